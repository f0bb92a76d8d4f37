using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using k8s;
using Mlops.Testing;

namespace Mlops.TrainingCoordinator.Tests;

/// <summary>
/// <c>POST /ops/training</c> and <c>GET /ops/training/{id}/logs</c> on the real Program: behind the ops token, refused with
/// the request rules' reasons, and a 202 whose run trains to a registered model, with who asked in its history.
/// </summary>
public sealed class When_training_is_started_through_the_ops_api(TrainingSandbox sandbox) : IClassFixture<TrainingSandbox>
{
    private const string Token = "alice-ops-token-0000001";

    private static readonly Dictionary<string, string?> Tokens = new() { ["Ops:Tokens:alice"] = Token };

    private static HttpClient Client(CoordinatorRig rig, bool withToken = true)
    {
        var client = rig.Coordinator!.CreateClient();
        if (withToken)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    [Fact]
    public async Task Should_refuse_without_a_token()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox, Tokens);
        using var client = Client(rig, withToken: false);

        using var post = await client.PostAsJsonAsync("/ops/training", new { stackName = "homelab", image = CoordinatorRig.TrainingImage });
        using var logs = await client.GetAsync($"/ops/training/{Guid.NewGuid()}/logs");

        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, logs.StatusCode);
    }

    [Fact]
    public async Task Should_answer_400_with_every_reason_the_request_rules_give()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox, Tokens);
        using var client = Client(rig);
        var trainingId = Guid.NewGuid();

        using var response = await client.PostAsJsonAsync("/ops/training", new
        {
            stackName = "Not_A_Stack",
            image = "Upper/Case:tag",
            modelName = "models/cnn",
            parameters = new Dictionary<string, string> { ["epochs"] = "zero" },
            trainingId,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var reasons = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("body")
            .EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains(reasons, r => r.StartsWith("StackName 'Not_A_Stack'", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("Image 'Upper/Case:tag'", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("ModelName 'models/cnn'", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("epochs must be a whole number", StringComparison.Ordinal));
        Assert.Null(await rig.FindAsync(trainingId));
    }

    [Fact]
    public async Task Should_refuse_a_body_without_the_stack_or_the_image()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox, Tokens);
        using var client = Client(rig);

        using var response = await client.PostAsJsonAsync("/ops/training", new { modelName = "cnn" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("body")[0].GetString();
        Assert.Contains("stackName", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_accept_then_train_to_a_registered_model_and_serve_the_pods_log()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox, Tokens);
        var stack = await rig.NewStackAsync();
        rig.Desk.Ready(stack);
        using var client = Client(rig);
        var modelName = "cnn_classifier_" + Guid.NewGuid().ToString("N")[..6];
        using (var none = await client.GetAsync($"/ops/training/{Guid.NewGuid()}/logs"))
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);

        using var response = await client.PostAsJsonAsync("/ops/training", new
        {
            stackName = stack.StackName,
            experimentName = modelName,
            modelName,
            image = CoordinatorRig.TrainingImage,
            parameters = new Dictionary<string, string> { ["epochs"] = "2" },
        });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("StartTraining", accepted.GetProperty("command").GetString());
        Assert.Equal("alice", accepted.GetProperty("requestedBy").GetString());
        var trainingId = accepted.GetProperty("sagaId").GetGuid();
        var registered = await rig.RegisteredAsync(trainingId);
        Assert.Equal(accepted.GetProperty("flowId").GetGuid(), registered.FlowId);
        Assert.Equal(modelName, registered.ModelName);
        var history = await rig.HistoryAsync(trainingId);
        Assert.Equal(("StartTraining", "alice"), (history[0].EventName, history[0].RequestedBy));

        var (_, run) = await rig.InStateAsync(trainingId, "Final");
        var pod = Assert.Single((await rig.Kubernetes.CoreV1.ListNamespacedPodAsync(stack.Namespace, labelSelector: $"job-name={run.JobName}")).Items);
        using var direct = new StreamReader(await rig.Kubernetes.CoreV1.ReadNamespacedPodLogAsync(pod.Metadata.Name, stack.Namespace, container: "train"));
        var podLog = await direct.ReadToEndAsync();
        Assert.NotEmpty(podLog.Trim());

        using var logs = await client.GetAsync($"/ops/training/{trainingId}/logs");
        Assert.Equal(HttpStatusCode.OK, logs.StatusCode);
        Assert.Equal("text/plain", logs.Content.Headers.ContentType?.MediaType);
        Assert.Equal(podLog, await logs.Content.ReadAsStringAsync());

        var last = podLog.TrimEnd('\n').Split('\n')[^1];
        Assert.Equal(last + "\n", await client.GetStringAsync($"/ops/training/{trainingId}/logs?tailLines=1"));
        using var bad = await client.GetAsync($"/ops/training/{trainingId}/logs?tailLines=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
