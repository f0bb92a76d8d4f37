using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mlops.Ops.Tests.Reservations;
using Mlops.Testing;

namespace Mlops.Ops.Tests;

/// <summary>Cancel goes to the saga as CancelSaga with who asked; a finished saga takes neither cancel nor replay.</summary>
public sealed class When_a_saga_is_cancelled(OpsHostFixture fixture) : IClassFixture<OpsHostFixture>
{
    private OpsHost Host => fixture.Host;

    [Fact]
    public async Task Should_cancel_it_through_CancelSaga_with_the_reason_and_who_asked()
    {
        var id = await Host.ReserveAsync();
        await Host.InStateAsync(id, "Failed");

        using var client = Host.Client();
        using var response = await client.PostAsJsonAsync($"ops/sagas/{id}/cancel", new { reason = "pool lab-1 is being rebuilt" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("CancelSaga", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("command").GetString());

        var shown = await Host.InStateAsync(id, "Cancelled");
        Assert.Equal("alice", shown.GetProperty("data").GetProperty("CancelledBy").GetString());
        Assert.Equal("pool lab-1 is being rebuilt", shown.GetProperty("data").GetProperty("CancelReason").GetString());
        var line = Assert.Single(shown.GetProperty("history").EnumerateArray(), h => h.GetProperty("event").GetString() == "CancelSaga");
        Assert.Equal("alice", line.GetProperty("requestedBy").GetString());
        Assert.Equal("Failed", line.GetProperty("fromState").GetString());
    }

    [Fact]
    public async Task Should_refuse_cancel_and_replay_of_a_finished_saga_with_409()
    {
        Host.Pool.Open("lab-open");
        var id = await Host.ReserveAsync(pool: "lab-open");
        await Host.InStateAsync(id, "Reserved");
        await Host.PublishAsync(new ReleaseGpu { ReservationId = id });
        await Eventually.HoldsAsync(async () => (await Host.ShowAsync(id)).GetProperty("saga").GetProperty("finishedAt").ValueKind != JsonValueKind.Null,
            "reservation finished");

        using var client = Host.Client();
        using var cancel = await client.PostAsync($"ops/sagas/{id}/cancel", null);
        var problem = await Problem.ReadAsync(cancel, 409);
        Assert.Contains("there is nothing to cancel", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var replay = await client.PostAsync($"ops/sagas/{id}/replay", null);
        Assert.Contains("only a failed saga can be replayed", (await Problem.ReadAsync(replay, 409)).GetProperty("detail").GetString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_404_for_an_unknown_saga_and_400_for_a_malformed_id_or_reason()
    {
        using var client = Host.Client();
        var unknown = Guid.NewGuid();
        foreach (var (method, path) in new[] { ("GET", $"ops/sagas/{unknown}"), ("POST", $"ops/sagas/{unknown}/replay"), ("POST", $"ops/sagas/{unknown}/cancel") })
        {
            using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.Contains(unknown.ToString(), (await Problem.ReadAsync(response, 404)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        using (var malformed = await client.GetAsync("ops/sagas/not-a-guid"))
            Assert.Equal(["A saga id is a GUID."], Problem.ErrorsOf(await Problem.ReadAsync(malformed, 400), "id"));
        using (var type = await client.GetAsync($"ops/sagas/{unknown}?type=StackState"))
            Assert.Contains("Unknown saga type 'StackState'", Problem.ErrorsOf(await Problem.ReadAsync(type, 400), "type")[0], StringComparison.Ordinal);

        var id = await Host.ReserveAsync();
        using var longReason = await client.PostAsJsonAsync($"ops/sagas/{id}/cancel", new { reason = new string('x', 501) });
        Assert.NotEmpty(Problem.ErrorsOf(await Problem.ReadAsync(longReason, 400), "reason"));
        using var notJson = await client.PostAsync($"ops/sagas/{id}/cancel", new StringContent("{reason:", System.Text.Encoding.UTF8, "application/json"));
        Assert.NotEmpty((await Problem.ReadAsync(notJson, 400)).GetProperty("errors").EnumerateObject());
    }
}
