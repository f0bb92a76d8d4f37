using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mlops.Ops.Tests.Reservations;
using Mlops.Testing;

namespace Mlops.Ops.Tests;

/// <summary>A step that fails for good: the ops API shows where and why, and replays the failed step, once per failure.</summary>
public sealed class When_a_saga_fails_at_a_step : IAsyncLifetime
{
    private OpsHost _host = null!;

    // A host per test: each test opens, closes and holds the pool.
    public async Task InitializeAsync() => _host = await OpsHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Should_list_it_as_failed_with_the_step_and_the_reason()
    {
        var id = await _host.ReserveAsync(pool: "lab-2");
        await _host.InStateAsync(id, "Failed");

        using var client = _host.Client();
        var page = await client.GetFromJsonAsync<JsonElement>("ops/sagas?type=ReservationState&state=Failed");
        var item = Assert.Single(page.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == id);
        Assert.Equal("ReservationState", item.GetProperty("sagaType").GetString());
        var failed = item.GetProperty("failed");
        Assert.Equal("reserve-gpu", failed.GetProperty("step").GetString());
        Assert.Equal("Reserving", failed.GetProperty("state").GetString());
        Assert.Equal("Permanent", failed.GetProperty("kind").GetString());
        Assert.StartsWith("InvalidOperationException: pool lab-2 has no 4 h free", failed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, page.GetProperty("page").GetInt32());

        var running = await client.GetFromJsonAsync<JsonElement>("ops/sagas?state=Reserved");
        Assert.DoesNotContain(running.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task Should_show_its_whole_history_and_last_error_and_that_it_can_be_replayed()
    {
        var id = await _host.ReserveAsync();
        var shown = await _host.InStateAsync(id, "Failed");

        var history = shown.GetProperty("history").EnumerateArray().ToArray();
        var first = history[0];
        Assert.Equal("ReserveGpu", first.GetProperty("event").GetString());
        Assert.Equal("ci-bot", first.GetProperty("requestedBy").GetString());
        Assert.Equal("Failed", history[^1].GetProperty("toState").GetString());
        var lastError = shown.GetProperty("lastError");
        Assert.Equal("failed-step", lastError.GetProperty("source").GetString());
        Assert.Equal("reserve-gpu", lastError.GetProperty("step").GetString());
        Assert.True(shown.GetProperty("replayRefusal").ValueKind == JsonValueKind.Null, shown.GetProperty("replayRefusal").ToString());
        Assert.Equal("lab-1", shown.GetProperty("data").GetProperty("Pool").GetString());
    }

    [Fact]
    public async Task Should_replay_the_failed_step_and_write_who_asked_into_the_history()
    {
        var id = await _host.ReserveAsync();
        await _host.InStateAsync(id, "Failed");
        _host.Pool.Open();

        using var client = _host.Client();
        using var response = await client.PostAsync($"ops/sagas/{id}/replay", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ReplaySaga", accepted.GetProperty("command").GetString());
        Assert.Equal("alice", accepted.GetProperty("requestedBy").GetString());
        Assert.False(accepted.GetProperty("duplicate").GetBoolean());

        var shown = await _host.InStateAsync(id, "Reserved");
        var replay = Assert.Single(shown.GetProperty("history").EnumerateArray(), h => h.GetProperty("event").GetString() == "ReplaySaga");
        Assert.Equal("alice", replay.GetProperty("requestedBy").GetString());
        Assert.Equal("Failed", replay.GetProperty("fromState").GetString());
        Assert.Equal("Reserved", replay.GetProperty("toState").GetString());
        Assert.Equal(accepted.GetProperty("messageId").GetGuid(), replay.GetProperty("messageId").GetGuid());
        Assert.Equal(JsonValueKind.Null, shown.GetProperty("saga").GetProperty("failed").ValueKind);
    }

    [Fact]
    public async Task Should_send_one_replay_for_one_failure_however_often_it_is_asked_for()
    {
        var id = await _host.ReserveAsync();
        var failed = await _host.InStateAsync(id, "Failed");
        // Read before the replay: once the pool is released the step can fail again before another read would see the first failure.
        var firstFailure = failed.GetProperty("saga").GetProperty("failed").GetProperty("failedAt").GetDateTimeOffset();
        var callsBefore = _host.Pool.Calls;
        _host.Pool.Hold();

        using var client = _host.Client();
        using (var first = await client.PostAsync($"ops/sagas/{id}/replay", null))
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        // The replayed step is running (held by the pool), so the saga is still stored as failed with the same failure.
        await Eventually.HoldsAsync(() => _host.Pool.Calls == callsBefore + 1, "the replayed step running");
        using (var second = await _host.Client(OpsHost.CiBotToken).PostAsync($"ops/sagas/{id}/replay", null))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            var answer = await second.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(answer.GetProperty("duplicate").GetBoolean());
            Assert.Equal(JsonValueKind.Null, answer.GetProperty("messageId").ValueKind);
        }

        _host.Pool.Release();
        var again = await _host.InStateAsync(id, "Failed",
            s => s.GetProperty("saga").GetProperty("failed").GetProperty("failedAt").GetDateTimeOffset() > firstFailure);
        Assert.Single(again.GetProperty("history").EnumerateArray(), h => h.GetProperty("event").GetString() == "ReplaySaga");
        Assert.Equal(callsBefore + 1, _host.Pool.Calls);

        // A new failure is a new one to replay.
        _host.Pool.Open();
        using (var third = await client.PostAsync($"ops/sagas/{id}/replay", null))
            Assert.Equal(HttpStatusCode.Accepted, third.StatusCode);
        await _host.InStateAsync(id, "Reserved");
        Assert.Equal(callsBefore + 2, _host.Pool.Calls);
    }

    [Fact]
    public async Task Should_refuse_a_replay_of_a_saga_that_is_not_failed_with_409_and_the_reason()
    {
        _host.Pool.Open();
        var id = await _host.ReserveAsync();
        var shown = await _host.InStateAsync(id, "Reserved");
        var refusal = $"ReservationState {id} is in state Reserved, not Failed: only a failed saga can be replayed.";
        Assert.Equal(refusal, shown.GetProperty("replayRefusal").GetString());

        using var client = _host.Client();
        using var response = await client.PostAsync($"ops/sagas/{id}/replay", null);
        var problem = await Problem.ReadAsync(response, 409);
        Assert.Equal(refusal, problem.GetProperty("detail").GetString());
    }
}
