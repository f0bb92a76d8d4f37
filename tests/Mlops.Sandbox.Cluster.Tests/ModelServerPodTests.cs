using System.Text.Json.Nodes;
using k8s;
using Mlops.Testing;

namespace Mlops.Sandbox.Cluster.Tests;

/// <summary>
/// A model server Deployment from start to serving: the kubelet starts <c>mlflow models serve</c>, which resolves its model
/// through in-cluster MLflow, fetches it from in-cluster MinIO with the keys from its Secret, and only then answers its
/// probes and the service proxy; for a version it cannot serve it crash-loops and the rollout fails.
/// </summary>
public sealed class ModelServerPodTests(ClusterSandbox sandbox) : IClassFixture<ClusterSandbox>
{
    private const string Deployment = $"deployment/{Manifests.ModelServerName}";

    // Rows per request: dataframe_split, dataframe_records, instances, inputs.
    private static readonly int[] s_rows = [2, 1, 3, 1];

    private async Task<string> ServingNamespaceAsync()
    {
        var ns = await sandbox.Fixture.NewNamespaceAsync("serve");
        await sandbox.Fixture.CreateS3SecretAsync(ns);
        return ns;
    }

    private Uri ProxyUrl(string ns, string path) =>
        new(sandbox.Fixture.KubernetesUrl, $"api/v1/namespaces/{ns}/services/{Manifests.ModelServerName}:5001/proxy/{path}");

    [Fact]
    public async Task Should_roll_out_a_ready_version_and_answer_ping_and_every_json_format_through_the_service_proxy()
    {
        var (model, version) = await sandbox.Fixture.RegisterModelAsync();
        var ns = await ServingNamespaceAsync();
        await sandbox.ApplyAsync(Manifests.ModelServer(ns, $"models:/{model}/{version}"));

        var rollout = await sandbox.Kubectl.RunAsync("rollout", "status", Deployment, "-n", ns, "--timeout=60s");
        var ping = await sandbox.Kubectl.RunAsync("get", "--raw", $"/api/v1/namespaces/{ns}/services/{Manifests.ModelServerName}:5001/proxy/ping");
        var mlflowVersion = await sandbox.Kubectl.RunAsync("get", "--raw", $"/api/v1/namespaces/{ns}/services/{Manifests.ModelServerName}:http/proxy/version");
        var split = await Curl.PostAsync(ProxyUrl(ns, "invocations"), "application/json", """{"dataframe_split": {"columns": ["a", "b"], "data": [[1, 2], [3, 4]]}}""");
        var records = await Curl.PostAsync(ProxyUrl(ns, "invocations"), "application/json", """{"dataframe_records": [{"a": 1, "b": 2}]}""");
        var instances = await Curl.PostAsync(ProxyUrl(ns, "invocations"), "application/json", """{"instances": [[1, 2], [3, 4], [5, 6]]}""");
        var inputs = await Curl.PostAsync(ProxyUrl(ns, "invocations"), "application/json", """{"inputs": [[0.5, 0.25, 0.125]]}""");
        var text = await Curl.PostAsync(ProxyUrl(ns, "invocations"), "text/plain", "1,2");

        Assert.True(rollout.ExitCode == 0, rollout.ToString());
        Assert.Contains("successfully rolled out", rollout.Output);
        Assert.True(ping.ExitCode == 0, ping.ToString());
        Assert.Equal("\n", ping.Output);
        Assert.Equal("2.21.3", mlflowVersion.Succeeded().Output);
        Assert.Equal(s_rows, new[] { split, records, instances, inputs }.Select(answer => Predictions(answer).Count));
        Assert.All(new[] { split, records, instances, inputs }.SelectMany(Predictions), row => Assert.Equal(10, row!.AsArray().Count));
        // Predictions depend on the input row: two different rows of one request score differently.
        var rows = Predictions(split);
        Assert.NotEqual(rows[0]!.ToJsonString(), rows[1]!.ToJsonString());
        Assert.Equal(415, text.Status);
        Assert.Contains("This predictor only supports the following content types", text.Body, StringComparison.Ordinal);
        var pod = await sandbox.PodAsync(ns, Manifests.ModelServerSelector);
        Assert.Equal((true, 0), (pod.Status.ContainerStatuses.Single().Ready, pod.Status.ContainerStatuses.Single().RestartCount));
    }

    [Fact]
    public async Task Should_crash_loop_a_model_server_for_a_version_that_is_not_ready_and_fail_the_rollout_at_the_progress_deadline()
    {
        var (model, version) = await sandbox.Fixture.RegisterModelAsync(ready: false);
        var ns = await ServingNamespaceAsync();
        await sandbox.ApplyAsync(Manifests.ModelServer(ns, $"models:/{model}/{version}", progressDeadlineSeconds: 300));

        var crashing = await sandbox.PodWhenAsync(ns, Manifests.ModelServerSelector,
            p => p.Status?.ContainerStatuses?.SingleOrDefault() is { State.Waiting.Reason: "CrashLoopBackOff", RestartCount: >= 2 }, "a pod in CrashLoopBackOff after two restarts");
        var restarts = crashing.Status.ContainerStatuses.Single().RestartCount;
        await sandbox.PodWhenAsync(ns, Manifests.ModelServerSelector,
            p => p.Status?.ContainerStatuses?.SingleOrDefault()?.RestartCount > restarts, "the restart count to climb further");
        var previous = await sandbox.Kubectl.RunAsync("logs", crashing.Metadata.Name, "-n", ns, "--previous");
        var rollout = await sandbox.Kubectl.RunAsync("rollout", "status", Deployment, "-n", ns, "--timeout=60s");
        var table = await sandbox.Kubectl.RunAsync("get", "pods", "-n", ns, "-l", Manifests.ModelServerSelector);

        var status = crashing.Status.ContainerStatuses.Single();
        Assert.False(status.Ready);
        Assert.Equal((1, "Error"), (status.LastState.Terminated.ExitCode, status.LastState.Terminated.Reason));
        Assert.StartsWith(
            $"mlflow.exceptions.MlflowException: Model version {version} of registered model '{model}' is FAILED_REGISTRATION, not READY: only a READY version can be served",
            previous.Succeeded().Output.TrimEnd('\n').Split('\n')[^1], StringComparison.Ordinal);
        Assert.NotEqual(0, rollout.ExitCode);
        Assert.Contains($"deployment \"{Manifests.ModelServerName}\" exceeded its progress deadline", rollout.Error, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^mlflow-model-cnn-classifier-server-\S+\s+0/1\s+\S+\s+[1-9]", table.Succeeded().Output);
        var deployment = await sandbox.Client.AppsV1.ReadNamespacedDeploymentAsync(Manifests.ModelServerName, ns);
        Assert.Null(deployment.Status.ReadyReplicas);
        Assert.Equal("ProgressDeadlineExceeded", deployment.Status.Conditions.Single(c => c.Type == "Progressing").Reason);
    }

    [Fact]
    public async Task Should_exit_the_upstream_mlflow_image_without_boto3_when_the_artifacts_are_on_s3()
    {
        var (model, version) = await sandbox.Fixture.RegisterModelAsync();
        var ns = await ServingNamespaceAsync();
        await sandbox.ApplyAsync(Manifests.ModelServer(ns, $"models:/{model}/{version}", image: "ghcr.io/mlflow/mlflow:v2.21.3"));

        var crashing = await sandbox.PodWhenAsync(ns, Manifests.ModelServerSelector,
            p => p.Status?.ContainerStatuses?.SingleOrDefault() is { RestartCount: >= 1, LastState.Terminated: not null }, "the upstream image's server to have exited");
        var previous = await sandbox.Kubectl.RunAsync("logs", crashing.Metadata.Name, "-n", ns, "--previous");

        Assert.Equal("ModuleNotFoundError: No module named 'boto3'", previous.Succeeded().Output.TrimEnd('\n').Split('\n')[^1]);
        Assert.False(crashing.Status.ContainerStatuses.Single().Ready);
    }

    private static JsonArray Predictions((int Status, string Body) answer)
    {
        Assert.True(answer.Status == 200, $"{answer.Status}: {answer.Body}");
        return ClusterSandbox.Json(answer.Body)["predictions"]!.AsArray();
    }
}
