using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mlops.Testing;

namespace Mlops.Hostile.Tests.Corpus;

/// <summary>
/// A corpus of bad ops requests against the running TrainingCoordinator and Provisioner (real processes, a vhost of their
/// own, outside systems on a port that answers nothing): each gets a 4xx with the reason, unauthenticated and forged
/// tokens get 401, a valid request before and after is still taken, and both stay ready.
/// </summary>
public sealed class When_the_coordinator_and_provisioner_meet_hostile_input : IAsyncLifetime
{
    private const string Token = "hostile-ops-token-0000002";
    private static readonly string Megabytes10 = new('x', 10 * 1024 * 1024);
    private RabbitMqVirtualHost _vhost = null!;
    private ServiceProcess _coordinator = null!;
    private ServiceProcess _provisioner = null!;

    public async Task InitializeAsync()
    {
        _vhost = await RabbitMqVirtualHost.CreateAsync("hostile-ops");
        var settings = new Dictionary<string, string?>(HostileServices.Outside(Token)) { ["RABBITMQ_URL"] = _vhost.AmqpUrl.ToString() };
        var coordinator = ServiceProcess.StartAsync("Mlops.TrainingCoordinator", settings);
        var provisioner = ServiceProcess.StartAsync("Mlops.Provisioner", settings);
        (_coordinator, _provisioner) = (await coordinator, await provisioner);
    }

    public async Task DisposeAsync()
    {
        await _coordinator.DisposeAsync();
        await _provisioner.DisposeAsync();
        await _vhost.DisposeAsync();
    }

    [Fact]
    public async Task Should_refuse_bad_training_requests_with_the_reason_and_take_the_valid_ones()
    {
        using var ops = Ops(_coordinator);
        await AcceptedTrainingAsync(ops);

        var corpus = new (string Body, string Field, string Reason)[]
        {
            ("{\"stackName\": ", "body", "not a valid"),
            ("[]", "body", "not a valid"),
            ("{\"stackName\":\"homelab\"}", "body", "image"),
            ("{\"stackName\":7,\"image\":\"train:1\"}", "body.stackName", "not a valid"),
            ("{\"stackName\":\"homelab\",\"image\":\"train:1\",\"parameters\":{\"epochs\":5}}", "body.parameters.epochs", "not a valid"),
            ("{\"stackName\":\"homelab\",\"image\":\"train:1\",\"modelName\":\"cnn\\u0000classifier\"}", "body", "control characters"),
            ("{\"stackName\":\"homelab\",\"image\":\"train:1\",\"modelName\":\"../../etc/passwd\"}", "body", "'/' or ':'"),
            ("{\"stackName\":\"..%2F..%2Fetc%2Fpasswd\",\"image\":\"train:1\"}", "body", "StackName"),
            ("{\"stackName\":\"homelab\",\"image\":\"" + Megabytes10 + "\"}", "body", "at most"),
        };
        foreach (var (body, field, reason) in corpus)
            await RefusedAsync(ops, HttpMethod.Post, "ops/training", body, field, reason);
        await RefusedAsync(ops, HttpMethod.Get, "ops/training/..%2F..%2Fetc%2Fpasswd/logs", null, "trainingId", "GUID");
        await RefusedAsync(ops, HttpMethod.Get, "ops/sagas?type=..%2F..%2Fetc%2Fpasswd", null, "type", "Unknown saga type");
        await UnauthorizedAsync(_coordinator, "ops/training");

        await AcceptedTrainingAsync(ops);
        await AssertReadyAsync(_coordinator);
    }

    [Fact]
    public async Task Should_refuse_bad_stack_files_naming_the_field_and_take_the_valid_ones()
    {
        using var ops = Ops(_provisioner);
        await AcceptedStackAsync(ops, "hostile-before");

        var corpus = new (string Body, string Field)[]
        {
            ("name: [unclosed", "(file)"),
            ("name: homelab\nnamespace: mlflow\nsecrets: &a [*a]\n", "secrets[0]"),
            ("name: \"cnn\\x07\"\nnamespace: mlflow\n", "name"),
            ("name: ..%2F..%2Fetc%2Fpasswd\nnamespace: ../../etc\n", "namespace"),
            ("name: homelab\nnamespace: mlflow\nbuckets: {name: mlflow}\n", "buckets"),
            ("name: homelab\nnamespace: mlflow\nversion: two\n", "version"),
            ("name: homel\u0430b\nnamespace: mlflow\n", "name"),
            ("name: homelab\nnamespace: mlflow\nunknownField: " + Megabytes10 + "\n", "body"),
        };
        foreach (var (body, field) in corpus)
            await RefusedAsync(ops, HttpMethod.Post, "ops/stacks", body, field, "", "application/yaml");
        await RefusedAsync(ops, HttpMethod.Get, "ops/stacks/..%2F..%2Fetc%2Fpasswd", null, "name", "");
        await UnauthorizedAsync(_provisioner, "ops/stacks");

        await AcceptedStackAsync(ops, "hostile-after");
        await AssertReadyAsync(_provisioner);
    }

    private static async Task AcceptedTrainingAsync(HttpClient ops)
    {
        using var answer = await ops.PostAsync(new Uri("ops/training", UriKind.Relative), Content(
            "{\"stackName\":\"homelab\",\"image\":\"ghcr.io/example/cnn-train:1.4\",\"modelName\":\"cnn_classifier\"}", "application/json"));
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.Accepted, text);
        var saga = JsonDocument.Parse(text).RootElement.GetProperty("sagaId").GetGuid();
        await Eventually.HoldsAsync(async () => (await ops.GetAsync(new Uri($"ops/sagas/{saga}", UriKind.Relative))).StatusCode == HttpStatusCode.OK,
            $"training run {saga} started");
    }

    private static async Task AcceptedStackAsync(HttpClient ops, string name)
    {
        var file = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "stacks", "homelab.yaml"))
            .Replace("name: homelab", $"name: {name}", StringComparison.Ordinal);
        using var answer = await ops.PostAsync(new Uri("ops/stacks", UriKind.Relative), Content(file, "application/yaml"));
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.Accepted, text);
        await Eventually.HoldsAsync(async () => (await ops.GetAsync(new Uri($"ops/stacks/{name}", UriKind.Relative))).StatusCode == HttpStatusCode.OK,
            $"stack {name} taken");
    }

    private static async Task RefusedAsync(HttpClient ops, HttpMethod method, string path, string? body, string field, string reason,
        string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = body is null ? null : Content(body, contentType) };
        using var answer = await ops.SendAsync(request);
        var problem = await HostileServices.ProblemAsync(answer, 400);
        var messages = HostileServices.ErrorsFor(problem, field);
        Assert.True(messages.Count > 0, $"{path} {body?[..Math.Min(body.Length, 60)]}: no '{field}' in {problem}");
        Assert.Contains(messages, m => m.Contains(reason, StringComparison.OrdinalIgnoreCase));
    }

    private static async Task UnauthorizedAsync(ServiceProcess service, string path)
    {
        using var anonymous = new HttpClient { BaseAddress = service.BaseUrl };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync(new Uri(path, UriKind.Relative), Content("{}", "application/json"))).StatusCode);
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token[..^1] + "3");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync(new Uri(path, UriKind.Relative), Content("{}", "application/json"))).StatusCode);
    }

    private static async Task AssertReadyAsync(ServiceProcess service)
    {
        Assert.True(service.IsRunning, $"{service.Project} exited");
        Assert.Equal(HttpStatusCode.OK, (await service.Http.GetAsync(new Uri("health/ready", UriKind.Relative))).StatusCode);
    }

    private static HttpClient Ops(ServiceProcess service)
    {
        var client = new HttpClient { BaseAddress = service.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    private static StringContent Content(string body, string type) => new(body, Encoding.UTF8, type);
}
