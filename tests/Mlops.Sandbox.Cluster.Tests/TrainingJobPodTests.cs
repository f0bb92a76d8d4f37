using k8s;
using Minio.DataModel.Args;
using Mlops.Testing;

namespace Mlops.Sandbox.Cluster.Tests;

/// <summary>
/// A training Job pod: the kubelet runs it, the training script reaches MLflow and MinIO through the addresses and keys the
/// pod was given, writes its progress or its error to the pod's log, and the Job ends Complete or BackoffLimitExceeded.
/// </summary>
public sealed class TrainingJobPodTests(ClusterSandbox sandbox) : IClassFixture<ClusterSandbox>
{
    // The Job's pod log as kubectl logs job/train prints it, its last line, and the Job's true conditions as "Type=Reason;".
    private async Task<(string Namespace, string Log, string LastLine, string Conditions)> TrainAsync(string trackingUri, string? secretKey = null, string extraArgs = "")
    {
        await sandbox.EnsureMlflowBucketAsync();
        var ns = await sandbox.Fixture.NewNamespaceAsync("train");
        await sandbox.Fixture.CreateS3SecretAsync(ns, secretKey: secretKey ?? SandboxFixture.PodSecretKey);
        await sandbox.ApplyAsync(Manifests.TrainingJob(ns, "train", trackingUri, extraArgs: extraArgs));
        // kubectl wait --for=condition=... cannot wait for either of two conditions: wait for the Job to finish either way.
        await Eventually.HoldsAsync(async () =>
            (await sandbox.Client.BatchV1.ReadNamespacedJobAsync("train", ns)).Status?.Conditions?.Any(c => c.Type is "Complete" or "Failed" && c.Status == "True") == true,
            "the training Job to finish");
        var logs = await sandbox.Kubectl.RunAsync("logs", "job/train", "-n", ns);
        var conditions = await sandbox.JsonPathAsync(ns, "job/train", "{range .status.conditions[?(@.status==\"True\")]}{.type}={.reason};{end}");
        var log = logs.Succeeded().Output;
        return (ns, log, log.TrimEnd('\n').Split('\n')[^1], conditions);
    }

    [Fact]
    public async Task Should_train_with_the_in_cluster_tracking_url_and_show_the_epochs_in_the_job_log()
    {
        var model = $"cnn_classifier_{Guid.NewGuid():N}"[..24];

        var (ns, log, _, conditions) = await TrainAsync(SandboxFixture.InClusterMlflowUrl, extraArgs: $"--registered-model-name {model}");

        Assert.Contains("Complete=CompletionsReached;", conditions, StringComparison.Ordinal);
        Assert.Contains("Epoch 1/2 - train_loss: ", log, StringComparison.Ordinal);
        Assert.Contains("Epoch 2/2 - train_loss: ", log, StringComparison.Ordinal);
        Assert.Contains($"Created version '1' of model '{model}'.", log, StringComparison.Ordinal);
        Assert.Contains($"🏃 View run at: {SandboxFixture.InClusterMlflowUrl}/#/experiments/0/runs/", log, StringComparison.Ordinal);

        // What the Job logged and registered, a model server pod loads and serves with the example the Job logged with it.
        await Eventually.HoldsAsync(async () =>
        {
            using var answer = await sandbox.Fixture.Mlflow.GetAsync($"api/2.0/mlflow/model-versions/get?name={model}&version=1");
            return ClusterSandbox.Json(await answer.Content.ReadAsStringAsync())["model_version"]?["status"]?.GetValue<string>() == "READY";
        }, "the trained version to be READY");
        await sandbox.ApplyAsync(Manifests.ModelServer(ns, $"models:/{model}/1"));
        (await sandbox.Kubectl.RunAsync("rollout", "status", $"deployment/{Manifests.ModelServerName}", "-n", ns, "--timeout=60s")).Succeeded();
        var example = await ServingExampleAsync(model);
        var predicted = await Curl.PostAsync(new Uri(sandbox.Fixture.KubernetesUrl, $"api/v1/namespaces/{ns}/services/{Manifests.ModelServerName}:5001/proxy/invocations"), "application/json", example);

        Assert.Equal(200, predicted.Status);
        Assert.Single(ClusterSandbox.Json(predicted.Body)["predictions"]!.AsArray());
    }

    private async Task<string> ServingExampleAsync(string model)
    {
        using var answer = await sandbox.Fixture.Mlflow.GetAsync($"api/2.0/mlflow/model-versions/get-download-uri?name={model}&version=1");
        var location = ClusterSandbox.Json(await answer.Content.ReadAsStringAsync())["artifact_uri"]!.GetValue<string>();
        using var content = new MemoryStream();
        await sandbox.Fixture.Minio.GetObjectAsync(new GetObjectArgs().WithBucket("mlflow")
            .WithObject(location["s3://mlflow/".Length..] + "/serving_input_example.json").WithCallbackStream(s => s.CopyTo(content)));
        return System.Text.Encoding.UTF8.GetString(content.ToArray());
    }

    [Fact]
    public async Task Should_fail_the_job_with_the_connection_error_in_its_log_when_the_tracking_uri_reaches_nothing()
    {
        var (_, _, lastLine, conditions) = await TrainAsync("http://mlflow.mlops.svc.cluster.local:5000");

        Assert.Contains("Failed=BackoffLimitExceeded;", conditions, StringComparison.Ordinal);
        Assert.Contains("Failed to resolve 'mlflow.mlops.svc.cluster.local' ([Errno -2] Name or service not known)", lastLine, StringComparison.Ordinal);
        Assert.StartsWith("mlflow.exceptions.MlflowException: API request to http://mlflow.mlops.svc.cluster.local:5000/api/2.0/mlflow/", lastLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_fail_the_job_with_signature_does_not_match_in_its_log_when_its_secret_holds_a_wrong_key()
    {
        var (_, log, lastLine, conditions) = await TrainAsync(SandboxFixture.InClusterMlflowUrl, secretKey: "not-the-secret-key");

        Assert.Contains("Failed=BackoffLimitExceeded;", conditions, StringComparison.Ordinal);
        Assert.StartsWith("botocore.exceptions.ClientError: An error occurred (SignatureDoesNotMatch) when calling the PutObject operation", lastLine, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-secret-key", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_train_through_throttling_and_5xx_answers_as_the_mlflow_and_boto3_clients_retry_them()
    {
        // A third of the calls of the script to MLflow and MinIO is turned away: their clients retry, and the Job completes.
        sandbox.Fixture.Faults.Seed(5);
        sandbox.Fixture.Faults.Set("s3", "object", new Mlops.Sandbox.Faults.FaultRule { ErrorRate = 0.3, StatusCodes = [429, 500, 503] });
        sandbox.Fixture.Faults.Set("mlflow", "*", new Mlops.Sandbox.Faults.FaultRule { ErrorRate = 0.3, StatusCodes = [429, 500, 503] });
        try
        {
            var (_, log, _, conditions) = await TrainAsync(SandboxFixture.InClusterMlflowUrl);

            Assert.True(conditions.Contains("Complete=CompletionsReached;", StringComparison.Ordinal), log);
            Assert.Contains(sandbox.Fixture.Requests.Snapshot("s3"), r => r.Fault is not null && r.Verb == "put");
        }
        finally
        {
            sandbox.Fixture.Faults.ClearAll();
        }
    }
}
