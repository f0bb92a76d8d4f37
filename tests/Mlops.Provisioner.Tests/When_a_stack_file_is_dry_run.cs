using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mlops.Provisioner.Tests.Testbed;
using Mlops.Testing;

namespace Mlops.Provisioner.Tests;

/// <summary>
/// <c>POST /ops/stacks?dryRun=true</c> on the real Program: the file is validated as apply validates it, the answer says per
/// step what would be created, updated or left unchanged, and nothing is published.
/// </summary>
public sealed class When_a_stack_file_is_dry_run : IAsyncLifetime
{
    private const string Token = "alice-ops-token-0000001";
    private ProvisionerTestbed _testbed = null!;

    public async Task InitializeAsync() => _testbed = await ProvisionerTestbed.StartAsync(new TestbedOptions
    {
        Provisioner = new Dictionary<string, string?> { ["Ops:Tokens:alice"] = Token },
    });

    public async Task DisposeAsync() => await _testbed.DisposeAsync();

    private static string HomelabFile => File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "stacks", "homelab.yaml"));

    private HttpClient Client()
    {
        var client = _testbed.Host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    private static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    private static Dictionary<string, string> Changes(JsonElement answer) =>
        answer.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("step").GetString()!, s => s.GetProperty("change").GetString()!);

    [Fact]
    public async Task Should_say_every_step_would_create_for_a_stack_never_provisioned_and_publish_nothing()
    {
        using var client = Client();

        using var response = await client.PostAsync("/ops/stacks?dryRun=true", Yaml(HomelabFile));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(answer.GetProperty("dryRun").GetBoolean());
        Assert.Equal("homelab", answer.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("sagaState").ValueKind);
        Assert.Equal(["namespaces", "secrets", "components", "buckets", "notifications", "mlflow"], Changes(answer).Keys);
        Assert.All(Changes(answer).Values, c => Assert.Equal("create", c));
        Assert.Equal(6, answer.GetProperty("changes").GetInt32());
        // Had it been published, the saga would exist by the time a ProvisionStack sent afterwards is stored.
        using (var apply = await client.PostAsync("/ops/stacks", Yaml(HomelabFile)))
            Assert.Equal(HttpStatusCode.Accepted, apply.StatusCode);
        await _testbed.InStateAsync("homelab", "Ready");
        Assert.Single(await _testbed.HistoryAsync("homelab"), h => h.EventName == "ProvisionStack");
    }

    [Fact]
    public async Task Should_answer_the_same_400_as_apply_for_a_broken_file()
    {
        using var client = Client();
        var broken = HomelabFile.Replace("name: homelab", "name: Home_Lab", StringComparison.Ordinal);

        using var dry = await client.PostAsync("/ops/stacks?dryRun=true&only=buckets", Yaml(broken));
        using var apply = await client.PostAsync("/ops/stacks?only=buckets", Yaml(broken));
        using var badOnly = await client.PostAsync("/ops/stacks?dryRun=true&only=paint", Yaml(HomelabFile));
        using var badFlag = await client.PostAsync("/ops/stacks?dryRun=maybe", Yaml(HomelabFile));

        Assert.Equal(HttpStatusCode.BadRequest, dry.StatusCode);
        Assert.Equal("application/problem+json", dry.Content.Headers.ContentType?.MediaType);
        Assert.Equal((await apply.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").ToString(),
            (await dry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").ToString());
        Assert.Contains("not steps: paint", (await badOnly.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("only")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badFlag.StatusCode);
        Assert.True((await badFlag.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("dryRun", out _));
        Assert.Null(await _testbed.FindAsync("homelab"));
    }

    [Fact]
    public async Task Should_say_only_the_steps_a_changed_bucket_touches_would_update_once_the_stack_is_ready()
    {
        using var client = Client();
        using (var apply = await client.PostAsync("/ops/stacks", Yaml(HomelabFile)))
            Assert.Equal(HttpStatusCode.Accepted, apply.StatusCode);
        var (ready, _) = await _testbed.InStateAsync("homelab", "Ready");

        using var same = await client.PostAsync("/ops/stacks?dryRun=true", Yaml(HomelabFile));
        var unchanged = await same.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Ready", unchanged.GetProperty("sagaState").GetString());
        Assert.All(Changes(unchanged).Values, c => Assert.Equal("unchanged", c));
        Assert.Equal(0, unchanged.GetProperty("changes").GetInt32());

        var moreBuckets = HomelabFile.Replace("artifactBucket: mlflow", "  - name: datasets\n\nartifactBucket: mlflow", StringComparison.Ordinal);
        using var changed = await client.PostAsync("/ops/stacks?dryRun=true&only=buckets", Yaml(moreBuckets));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var answer = await changed.Content.ReadFromJsonAsync<JsonElement>();
        var changes = Changes(answer);
        Assert.Equal("update", changes["buckets"]);
        Assert.Equal("update", changes["notifications"]);
        Assert.Equal("unchanged", changes["namespaces"]);
        Assert.Equal("unchanged", changes["mlflow"]);
        var runs = answer.GetProperty("steps").EnumerateArray().Where(s => s.GetProperty("runs").GetBoolean()).Select(s => s.GetProperty("step").GetString());
        Assert.Equal(["buckets"], runs);

        var (after, saga) = (await _testbed.FindAsync("homelab"))!.Value;
        Assert.Equal(ready.Version, after.Version);
        Assert.DoesNotContain(saga.Stack!.Buckets, b => b.Name == "datasets");
    }
}
