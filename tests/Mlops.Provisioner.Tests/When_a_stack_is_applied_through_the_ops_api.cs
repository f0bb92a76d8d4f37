using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mlops.Contracts;
using Mlops.Provisioner.Tests.Testbed;
using Mlops.Testing;

namespace Mlops.Provisioner.Tests;

/// <summary>
/// <c>POST /ops/stacks</c> and <c>GET /ops/stacks/{name}</c> on the real Program: behind the ops token, every error of the
/// file by path and line, and a 202 whose stack is really provisioned with who asked in its saga's history.
/// </summary>
public sealed class When_a_stack_is_applied_through_the_ops_api : IAsyncLifetime
{
    private const string Token = "alice-ops-token-0000001";
    private ProvisionerTestbed _testbed = null!;

    public async Task InitializeAsync() => _testbed = await ProvisionerTestbed.StartAsync(new TestbedOptions
    {
        Provisioner = new Dictionary<string, string?> { ["Ops:Tokens:alice"] = Token },
    });

    public async Task DisposeAsync() => await _testbed.DisposeAsync();

    private static string HomelabFile => File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "stacks", "homelab.yaml"));

    private HttpClient Client(bool withToken = true)
    {
        var client = _testbed.Host.CreateClient();
        if (withToken)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    private static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    [Fact]
    public async Task Should_refuse_without_a_token_and_send_nothing()
    {
        using var client = Client(withToken: false);

        using var post = await client.PostAsync("/ops/stacks", Yaml(HomelabFile));
        using var get = await client.GetAsync("/ops/stacks/homelab");

        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, get.StatusCode);
        Assert.Null(await _testbed.FindAsync("homelab"));
    }

    [Fact]
    public async Task Should_answer_400_with_every_error_of_the_file_by_path_and_line()
    {
        using var client = Client();
        var broken = HomelabFile.Replace("name: homelab", "name: Home_Lab", StringComparison.Ordinal)
            .Replace("version: 1", "version: 1\nfavouriteColour: blue", StringComparison.Ordinal);

        using var response = await client.PostAsync("/ops/stacks", Yaml(broken));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        var name = errors.GetProperty("name").EnumerateArray().Single().GetString()!;
        Assert.StartsWith("line 9: ", name, StringComparison.Ordinal);
        Assert.Contains("DNS-1123", name, StringComparison.Ordinal);
        Assert.StartsWith("line 8: ", errors.GetProperty("favouriteColour").EnumerateArray().Single().GetString(), StringComparison.Ordinal);
        Assert.Null(await _testbed.FindAsync("homelab"));
    }

    [Fact]
    public async Task Should_refuse_an_only_that_names_no_step()
    {
        using var client = Client();

        using var response = await client.PostAsync("/ops/stacks?only=buckets,paint", Yaml(HomelabFile));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("only")[0].GetString();
        Assert.Contains("not steps: paint", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_accept_then_provision_the_stack_and_show_who_asked_and_its_status()
    {
        using var client = Client();
        using (var unknown = await client.GetAsync("/ops/stacks/homelab"))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        using var response = await client.PostAsync("/ops/stacks", Yaml(HomelabFile));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ProvisionStack", accepted.GetProperty("command").GetString());
        Assert.Equal("alice", accepted.GetProperty("requestedBy").GetString());
        Assert.Equal(SagaIds.ForStack("homelab"), accepted.GetProperty("sagaId").GetGuid());
        var flowId = accepted.GetProperty("flowId").GetGuid();
        var (record, _) = await _testbed.InStateAsync("homelab", "Ready");
        Assert.Equal(flowId.ToString(), record.FlowId);
        var history = await _testbed.HistoryAsync("homelab");
        Assert.Equal(("ProvisionStack", "alice"), (history[0].EventName, history[0].RequestedBy));

        var status = await client.GetFromJsonAsync<JsonElement>("/ops/stacks/homelab");
        Assert.Equal("homelab", status.GetProperty("name").GetString());
        Assert.Equal("Ready", status.GetProperty("state").GetString());
        Assert.True(status.GetProperty("ready").GetBoolean());
        Assert.Equal(SagaIds.ForStack("homelab"), status.GetProperty("sagaId").GetGuid());
        Assert.Equal(flowId, status.GetProperty("flowId").GetGuid());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("failed").ValueKind);
    }

    [Fact]
    public async Task Should_run_only_the_steps_named_in_only()
    {
        using var client = Client();
        using (var first = await client.PostAsync("/ops/stacks", Yaml(HomelabFile)))
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        await _testbed.InStateAsync("homelab", "Ready");

        using var again = await client.PostAsync("/ops/stacks?only=buckets", Yaml(HomelabFile));

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        await Eventually.HoldsAsync(async () => (await _testbed.HistoryAsync("homelab")).Count(h => h.EventName == "ProvisionStack") == 2,
            "the second ProvisionStack in the history", TimeSpan.FromSeconds(30));
        var (_, saga) = await _testbed.InStateAsync("homelab", "Ready");
        Assert.Equal(["buckets"], saga.Stack!.Only);
    }
}
