using System.Net.Http.Json;
using System.Text.Json;

namespace Mlops.Ops.Tests;

/// <summary>This service's part of a flow: its sagas and their history on one time line; listings filtered and paged.</summary>
public sealed class When_a_flow_is_followed(OpsHostFixture fixture) : IClassFixture<OpsHostFixture>
{
    private OpsHost Host => fixture.Host;

    [Fact]
    public async Task Should_show_every_saga_of_the_flow_and_their_history_in_time_order()
    {
        var flow = Guid.NewGuid();
        var first = await Host.ReserveAsync(flowId: flow);
        await Host.InStateAsync(first, "Failed");
        var second = await Host.ReserveAsync(pool: "lab-3", flowId: flow);
        await Host.InStateAsync(second, "Failed");
        var elsewhere = await Host.ReserveAsync();

        using var client = Host.Client();
        var shown = await client.GetFromJsonAsync<JsonElement>($"ops/flows/{flow}");
        Assert.Equal("ops-probe", shown.GetProperty("service").GetString());
        Assert.Equal([first, second], shown.GetProperty("sagas").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));
        var timeline = shown.GetProperty("timeline").EnumerateArray().ToArray();
        Assert.Equal(timeline.OrderBy(t => t.GetProperty("at").GetDateTimeOffset()).ThenBy(t => t.GetProperty("sequence").GetInt64())
            .Select(t => t.GetProperty("sequence").GetInt64()), timeline.Select(t => t.GetProperty("sequence").GetInt64()));
        Assert.Equal(first, timeline[0].GetProperty("sagaId").GetGuid());
        Assert.Contains(timeline, t => t.GetProperty("sagaId").GetGuid() == second && t.GetProperty("toState").GetString() == "Failed");
        Assert.DoesNotContain(timeline, t => t.GetProperty("sagaId").GetGuid() == elsewhere);

        var listed = await client.GetFromJsonAsync<JsonElement>($"ops/sagas?flowId={flow}");
        Assert.Equal(new[] { second, first }, listed.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));

        var none = await client.GetFromJsonAsync<JsonElement>($"ops/flows/{Guid.NewGuid()}");
        Assert.Empty(none.GetProperty("sagas").EnumerateArray());
    }

    [Fact]
    public async Task Should_page_through_the_listing()
    {
        var flow = Guid.NewGuid();
        for (var i = 0; i < 3; i++)
            await Host.ReserveAsync(flowId: flow);
        using var client = Host.Client();
        var page = await client.GetFromJsonAsync<JsonElement>("ops/sagas?page=1");
        Assert.Equal(50, page.GetProperty("pageSize").GetInt32());
        Assert.True(page.GetProperty("items").GetArrayLength() >= 3);
        var beyond = await client.GetFromJsonAsync<JsonElement>("ops/sagas?page=200");
        Assert.Empty(beyond.GetProperty("items").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, beyond.GetProperty("nextPage").ValueKind);
    }

    [Theory]
    [InlineData("ops/sagas?page=0", "page")]
    [InlineData("ops/sagas?page=201", "page")]
    [InlineData("ops/sagas?page=two", "page")]
    [InlineData("ops/sagas?flowId=flow-1", "flowId")]
    [InlineData("ops/sagas?type=StackState", "type")]
    [InlineData("ops/sagas?state=", "state")]
    [InlineData("ops/sagas?state=Failed&state=Reserved", "state")]
    [InlineData("ops/flows/flow-1", "flowId")]
    public async Task Should_answer_400_for_a_malformed_query(string path, string field)
    {
        using var client = Host.Client();
        using var response = await client.GetAsync(path);
        Assert.NotEmpty(Problem.ErrorsOf(await Problem.ReadAsync(response, 400), field));
    }
}
