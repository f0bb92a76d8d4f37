using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Mlops.SagaStore;
using Mlops.ServiceDefaults.Ops;
using Mlops.Testing;

namespace Mlops.Ops.Tests;

/// <summary>A command endpoint mapped with MapOpsCommand: validated, committed to the outbox with who asked, then 202.</summary>
public sealed class When_a_command_is_posted(OpsHostFixture fixture) : IClassFixture<OpsHostFixture>
{
    private OpsHost Host => fixture.Host;

    [Fact]
    public async Task Should_answer_202_only_once_the_command_is_committed_and_start_the_saga_as_the_token_owner()
    {
        var id = NewId.NextGuid();
        var key = $"reserve-{id}";
        var flow = Guid.NewGuid();
        using var client = Host.Client(OpsHost.CiBotToken);
        using var request = Post(id, key, flow);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        // The answer came after the commit: the request's record is in the store the moment the answer is read.
        var outbox = Host.Services.GetRequiredService<ISagaStoreOutbox>();
        Assert.True(await outbox.HasRecordAsync(OpsCommandOutbox.RecordKind, $"command//ops/pools/{{pool}}/reservations/{key}"));
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ReserveGpu", accepted.GetProperty("command").GetString());
        Assert.Equal("ci-bot", accepted.GetProperty("requestedBy").GetString());
        Assert.Equal(flow, accepted.GetProperty("flowId").GetGuid());
        Assert.Equal($"/ops/flows/{flow}", response.Headers.Location?.OriginalString);

        var shown = await Host.InStateAsync(id, "Failed");
        Assert.Equal("ci-bot", shown.GetProperty("data").GetProperty("RequestedBy").GetString());
        Assert.Equal(flow.ToString(), shown.GetProperty("saga").GetProperty("flowId").GetString());
        var created = shown.GetProperty("history")[0];
        Assert.Equal(("ReserveGpu", "ci-bot"), (created.GetProperty("event").GetString(), created.GetProperty("requestedBy").GetString()));
        Assert.Equal(accepted.GetProperty("messageId").GetGuid(), created.GetProperty("messageId").GetGuid());
    }

    [Fact]
    public async Task Should_commit_a_request_repeated_with_the_same_idempotency_key_once()
    {
        var id = NewId.NextGuid();
        var key = $"reserve-{id}";
        using var client = Host.Client(OpsHost.CiBotToken);
        using (var first = await client.SendAsync(Post(id, key)))
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        // Same key, another reservation id: recognised as the same request, so nothing is sent.
        var other = NewId.NextGuid();
        using var again = await client.SendAsync(Post(other, key));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var answer = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(answer.GetProperty("duplicate").GetBoolean());
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("messageId").ValueKind);

        // A later request is delivered and handled; the repeated one never was committed, so it never exists.
        var marker = NewId.NextGuid();
        using (var later = await client.SendAsync(Post(marker, $"reserve-{marker}")))
            Assert.Equal(HttpStatusCode.Accepted, later.StatusCode);
        await Host.InStateAsync(marker, "Failed");
        await Host.InStateAsync(id, "Failed");
        Assert.Null(await Host.Catalog.FindAsync(other));
    }

    [Fact]
    public async Task Should_answer_400_problem_json_naming_what_is_wrong()
    {
        using var client = Host.Client();
        async Task<JsonElement> BadAsync(HttpRequestMessage request)
        {
            using var response = await client.SendAsync(request);
            return await Problem.ReadAsync(response, 400);
        }

        Assert.Contains("A JSON body (ReservationBody) is required.", Problem.ErrorsOf(await BadAsync(
            new HttpRequestMessage(HttpMethod.Post, "ops/pools/lab-1/reservations")), "body"));
        Assert.NotEmpty((await BadAsync(Raw("{\"reservationId\": ")))
            .GetProperty("errors").EnumerateObject());
        Assert.Contains("hours", (await BadAsync(Raw("{\"reservationId\":\"" + Guid.NewGuid() + "\"}"))).GetProperty("errors").EnumerateObject()
            .Single().Value[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(["A reservation is for 1 to 72 hours."], Problem.ErrorsOf(await BadAsync(
            Raw(JsonSerializer.Serialize(new { reservationId = Guid.NewGuid(), hours = 0 }))), "hours"));
        var badFlow = Post(Guid.NewGuid(), null);
        badFlow.Headers.Add(OpsCommandRequest.FlowIdHeader, "flow-1");
        Assert.NotEmpty(Problem.ErrorsOf(await BadAsync(badFlow), OpsCommandRequest.FlowIdHeader));
        Assert.NotEmpty(Problem.ErrorsOf(await BadAsync(Post(Guid.NewGuid(), new string('k', 201))), "Idempotency-Key"));
        using var tooLong = Post(Guid.NewGuid(), null);
        tooLong.RequestUri = new Uri($"ops/pools/{new string('p', 64)}/reservations", UriKind.Relative);
        Assert.Equal(["'pool' may have at most 63 characters."], Problem.ErrorsOf(await BadAsync(tooLong), "pool"));
    }

    private static HttpRequestMessage Post(Guid id, string? idempotencyKey, Guid? flowId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "ops/pools/lab-1/reservations")
        {
            Content = JsonContent.Create(new { reservationId = id, hours = 2 }),
        };
        if (idempotencyKey is not null)
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        if (flowId is { } flow)
            request.Headers.Add(OpsCommandRequest.FlowIdHeader, flow.ToString());
        return request;
    }

    private static HttpRequestMessage Raw(string json) => new(HttpMethod.Post, "ops/pools/lab-1/reservations")
    {
        Content = new StringContent(json, Encoding.UTF8, "application/json"),
    };
}
