using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using Minio.DataModel.Args;
using Minio.DataModel.Notification;
using Mlops.Testing;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>A training Job on the Kubernetes stand-in does what train.py does: MLflow run, artifacts in S3, a MinIO event, a version.</summary>
public sealed class TrainingJobTests(StorageSandbox sandbox) : IClassFixture<StorageSandbox>
{
    [Fact]
    public async Task Should_log_the_run_upload_the_model_announce_mlmodel_and_register_a_ready_version()
    {
        var queue = await SubscribeMlflowBucketAsync();
        using var http = sandbox.MlflowClient();
        var experimentId = (await http.OkAsync(HttpMethod.Post, "experiments/create", new { name = $"training-{Guid.NewGuid():N}" })).Text("experiment_id");
        var runId = (await http.OkAsync(HttpMethod.Post, "runs/create", new { experiment_id = experimentId })).GetProperty("run").GetProperty("info").Text("run_id");
        var model = $"cnn_classifier_{Guid.NewGuid():N}"[..24];

        var job = await RunTrainingJobAsync(runId, ["--save_dir", "models", "--arch", "vgg16", "--epochs", "5", "--registered-model-name", model]);

        Assert.Contains(job.Status.Conditions, c => c.Type == "Complete" && c.Status == "True");
        var run = (await http.OkAsync(HttpMethod.Get, $"runs/get?run_id={runId}")).GetProperty("run");
        Assert.Equal("FINISHED", run.GetProperty("info").Text("status"));
        var parameters = run.GetProperty("data").GetProperty("params").EnumerateArray().ToDictionary(p => p.Text("key"), p => p.Text("value"));
        Assert.Equal(("0.001", "5", "vgg16"), (parameters["learning_rate"], parameters["epochs"], parameters["arch"]));
        var metrics = run.GetProperty("data").GetProperty("metrics").EnumerateArray().Select(m => m.Text("key")).Order(StringComparer.Ordinal);
        Assert.Equal(["accuracy", "train_loss", "validation_loss"], metrics);

        var prefix = $"{experimentId}/{runId}/artifacts/model/";
        using var minio = sandbox.MinioClient();
        foreach (var file in new[] { "MLmodel", "conda.yaml", "data/model.pth", "python_env.yaml", "requirements.txt" })
            Assert.True((await minio.StatObjectAsync(new StatObjectArgs().WithBucket("mlflow").WithObject(prefix + file))).Size > 0, file);

        // The queue also sees other tests' uploads to bucket mlflow: only this run's keys count.
        var (_, before) = await sandbox.NextEventForAsync(queue, $"mlflow/{prefix}MLmodel", "the MinIO event for MLmodel");
        var after = await sandbox.WaitingKeysAsync(queue);
        Assert.DoesNotContain(before.Concat(after), key => key.StartsWith($"mlflow/{prefix}", StringComparison.Ordinal));

        JsonElement version = default;
        await Eventually.HoldsAsync(async () =>
        {
            version = (await http.OkAsync(HttpMethod.Get, $"model-versions/get?name={model}&version=1")).GetProperty("model_version");
            return version.Text("status") == "READY";
        }, "a READY model version");
        Assert.Equal((runId, $"s3://mlflow/{experimentId}/{runId}/artifacts/model"), (version.Text("run_id"), version.Text("source")));
    }

    [Fact]
    public async Task Should_fail_the_job_and_the_run_when_the_job_asks_to_fail()
    {
        await SubscribeMlflowBucketAsync();
        using var http = sandbox.MlflowClient();
        var runId = (await http.OkAsync(HttpMethod.Post, "runs/create", new { experiment_id = "0" })).GetProperty("run").GetProperty("info").Text("run_id");

        var job = await RunTrainingJobAsync(runId, ["--arch", "vgg16", "--epochs", "2", "--sandbox-fail"]);

        Assert.Contains(job.Status.Conditions, c => c.Type == "Failed" && c.Status == "True");
        var run = (await http.OkAsync(HttpMethod.Get, $"runs/get?run_id={runId}")).GetProperty("run");
        Assert.Equal("FAILED", run.GetProperty("info").Text("status"));
    }

    [Fact]
    public async Task Should_report_the_low_accuracy_the_job_asks_for()
    {
        await SubscribeMlflowBucketAsync();
        using var http = sandbox.MlflowClient();
        var runId = (await http.OkAsync(HttpMethod.Post, "runs/create", new { experiment_id = "0" })).GetProperty("run").GetProperty("info").Text("run_id");

        var job = await RunTrainingJobAsync(runId, ["--arch", "vgg16", "--epochs", "3", "--sandbox-accuracy", "0.42"]);

        Assert.Contains(job.Status.Conditions, c => c.Type == "Complete" && c.Status == "True");
        var metrics = (await http.OkAsync(HttpMethod.Get, $"runs/get?run_id={runId}")).GetProperty("run").GetProperty("data").GetProperty("metrics");
        Assert.Equal(0.42, metrics.EnumerateArray().Single(m => m.Text("key") == "accuracy").GetProperty("value").GetDouble());
    }

    // The credentials reach the pod as secretKeyRefs to the Secret the original stack sealed, never as literals.
    private async Task<V1Job> RunTrainingJobAsync(string? runId, IList<string> args, IList<string>? command = null,
        string trackingUri = "http://mlflow.mlflow.svc.cluster.local:5000", string secretKey = StorageSandbox.SecretKey)
    {
        using var kubernetes = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = sandbox.Host.UrlOf("kubernetes").ToString() });
        var ns = $"training-{Guid.NewGuid():N}"[..20];
        await kubernetes.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        await kubernetes.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "minio-credentials" },
            Data = new Dictionary<string, byte[]>
            {
                ["AWS_ACCESS_KEY_ID"] = Encoding.UTF8.GetBytes(StorageSandbox.AccessKey),
                ["AWS_SECRET_ACCESS_KEY"] = Encoding.UTF8.GetBytes(secretKey),
            },
        }, ns);
        var job = new V1Job
        {
            Metadata = new V1ObjectMeta { Name = "train" },
            Spec = new V1JobSpec
            {
                BackoffLimit = 0,
                Template = new V1PodTemplateSpec
                {
                    Spec = new V1PodSpec
                    {
                        RestartPolicy = "Never",
                        Containers =
                        [
                            new V1Container
                            {
                                Name = "train",
                                Image = "ghcr.io/example/cnn-train:1.0",
                                Command = command ?? ["python", "train.py"],
                                Args = args,
                                Env =
                                [
                                    new V1EnvVar { Name = "MLFLOW_RUN_ID", Value = runId },
                                    new V1EnvVar { Name = "MLFLOW_TRACKING_URI", Value = trackingUri },
                                    new V1EnvVar { Name = "MLFLOW_S3_ENDPOINT_URL", Value = "http://minio.minio.svc.cluster.local:9000" },
                                    Secret("AWS_ACCESS_KEY_ID"),
                                    Secret("AWS_SECRET_ACCESS_KEY"),
                                ],
                            },
                        ],
                    },
                },
            },
        };
        await kubernetes.CreateNamespacedJobAsync(job, ns);
        return await Eventually.ReturnsAsync(async () =>
        {
            var current = await kubernetes.ReadNamespacedJobAsync("train", ns);
            return current.Status?.Conditions?.Any(c => c.Type is "Complete" or "Failed" && c.Status == "True") == true ? current : null;
        }, "the training Job to finish");

        static V1EnvVar Secret(string key) =>
            new() { Name = key, ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Key = key, Name = "minio-credentials" } } };
    }

    [Fact]
    public async Task Should_fail_the_job_with_the_connection_error_when_the_tracking_uri_reaches_nothing()
    {
        var job = await RunTrainingJobAsync(null, ["--epochs", "2"], trackingUri: "http://mlflow.mlops.svc.cluster.local:5000");

        var failed = Assert.Single(job.Status.Conditions, c => c.Type == "Failed" && c.Status == "True");
        Assert.Equal("BackoffLimitExceeded", failed.Reason);
        Assert.Contains("Failed to resolve 'mlflow.mlops.svc.cluster.local' ([Errno -2] Name or service not known)", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_fail_the_job_when_the_s3_secret_is_wrong()
    {
        await SubscribeMlflowBucketAsync();
        using var http = sandbox.MlflowClient();
        var runId = (await http.OkAsync(HttpMethod.Post, "runs/create", new { experiment_id = "0" })).GetProperty("run").GetProperty("info").Text("run_id");

        var job = await RunTrainingJobAsync(runId, ["--epochs", "1"], secretKey: "not-the-secret");

        var failed = Assert.Single(job.Status.Conditions, c => c.Type == "Failed" && c.Status == "True");
        Assert.Contains("An error occurred (SignatureDoesNotMatch) when calling the PutObject operation", failed.Message, StringComparison.Ordinal);
        Assert.Equal("FAILED", (await http.OkAsync(HttpMethod.Get, $"runs/get?run_id={runId}")).GetProperty("run").GetProperty("info").Text("status"));
    }

    [Fact]
    public async Task Should_train_when_train_py_runs_inside_a_shell_script_and_log_the_examples()
    {
        await SubscribeMlflowBucketAsync();
        using var http = sandbox.MlflowClient();
        var experimentId = (await http.OkAsync(HttpMethod.Post, "experiments/create", new { name = $"shell-{Guid.NewGuid():N}" })).Text("experiment_id");
        var runId = (await http.OkAsync(HttpMethod.Post, "runs/create", new { experiment_id = experimentId })).GetProperty("run").GetProperty("info").Text("run_id");

        var job = await RunTrainingJobAsync(runId, ["pip install -r requirements.txt && python /app/train.py --arch resnet18 --epochs 2"], command: ["/bin/sh", "-c"]);

        Assert.Contains(job.Status.Conditions, c => c.Type == "Complete" && c.Status == "True");
        using var minio = sandbox.MinioClient();
        var prefix = $"{experimentId}/{runId}/artifacts/model/";
        var serving = await ReadAsync(minio, prefix + "serving_input_example.json");
        Assert.True(JsonDocument.Parse(serving).RootElement.TryGetProperty("inputs", out _));
        Assert.Equal(serving, await ReadAsync(minio, prefix + "input_example.json"));
        Assert.Contains("serving_input_path: serving_input_example.json", await ReadAsync(minio, prefix + "MLmodel"), StringComparison.Ordinal);
        var parameters = (await http.OkAsync(HttpMethod.Get, $"runs/get?run_id={runId}")).GetProperty("run").GetProperty("data").GetProperty("params");
        Assert.Contains(parameters.EnumerateArray(), p => p.Text("key") == "arch" && p.Text("value") == "resnet18");
    }

    [Fact]
    public async Task Should_log_an_mlflow_3_logged_model_when_asked()
    {
        await SubscribeMlflowBucketAsync();
        using var http = sandbox.MlflowClient();
        var experimentId = (await http.OkAsync(HttpMethod.Post, "experiments/create", new { name = $"mlflow3-{Guid.NewGuid():N}" })).Text("experiment_id");
        var runId = (await http.OkAsync(HttpMethod.Post, "runs/create", new { experiment_id = experimentId })).GetProperty("run").GetProperty("info").Text("run_id");
        var model = $"cnn_classifier_{Guid.NewGuid():N}"[..24];

        var job = await RunTrainingJobAsync(runId, ["--epochs", "1", "--registered-model-name", model, "--sandbox-logged-model"]);

        Assert.Contains(job.Status.Conditions, c => c.Type == "Complete" && c.Status == "True");
        var version = (await http.OkAsync(HttpMethod.Get, $"model-versions/get?name={model}&version=1")).GetProperty("model_version");
        var modelId = version.Text("source")["models:/".Length..];
        Assert.StartsWith("m-", modelId, StringComparison.Ordinal);
        Assert.Equal((runId, modelId), (version.Text("run_id"), version.Text("model_id")));
        var downloadUri = (await http.OkAsync(HttpMethod.Get, $"model-versions/get-download-uri?name={model}&version=1")).Text("artifact_uri");
        Assert.Equal($"s3://mlflow/{experimentId}/models/{modelId}/artifacts", downloadUri);
        var logged = (await http.OkAsync(HttpMethod.Get, $"logged-models/{modelId}")).GetProperty("model").GetProperty("info");
        Assert.Equal((runId, downloadUri, "LOGGED_MODEL_READY"), (logged.Text("source_run_id"), logged.Text("artifact_uri"), logged.Text("status")));
        using var minio = sandbox.MinioClient();
        Assert.Contains($"model_id: {modelId}", await ReadAsync(minio, $"{experimentId}/models/{modelId}/artifacts/MLmodel"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_upload_mlmodel_in_parts_when_asked_so_its_event_is_complete_multipart_upload()
    {
        var queue = await SubscribeMlflowBucketAsync();
        using var http = sandbox.MlflowClient();
        var run = (await http.OkAsync(HttpMethod.Post, "runs/create", new { experiment_id = "0" })).GetProperty("run").GetProperty("info");
        var runId = run.Text("run_id");

        var job = await RunTrainingJobAsync(runId, ["--epochs", "1", "--sandbox-multipart-mlmodel"]);
        var (message, _) = await sandbox.NextEventForAsync(queue, $"{run.Text("artifact_uri")["s3://".Length..]}/model/MLmodel", "the MinIO event for MLmodel");

        Assert.Contains(job.Status.Conditions, c => c.Type == "Complete" && c.Status == "True");
        var record = JsonDocument.Parse(StorageSandbox.Text(message)).RootElement.GetProperty("Records")[0];
        Assert.Equal("s3:ObjectCreated:CompleteMultipartUpload", record.GetProperty("eventName").GetString());
        Assert.EndsWith("-1", record.GetProperty("s3").GetProperty("object").GetProperty("eTag").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_serve_the_trained_version_with_its_own_serving_input_example()
    {
        await SubscribeMlflowBucketAsync();
        using var http = sandbox.MlflowClient();
        var experimentId = (await http.OkAsync(HttpMethod.Post, "experiments/create", new { name = $"serve-{Guid.NewGuid():N}" })).Text("experiment_id");
        var runId = (await http.OkAsync(HttpMethod.Post, "runs/create", new { experiment_id = experimentId })).GetProperty("run").GetProperty("info").Text("run_id");
        var model = $"cnn_classifier_{Guid.NewGuid():N}"[..24];
        await RunTrainingJobAsync(runId, ["--epochs", "2", "--registered-model-name", model]);
        await Eventually.HoldsAsync(async () =>
            (await http.OkAsync(HttpMethod.Get, $"model-versions/get?name={model}&version=1")).GetProperty("model_version").Text("status") == "READY", "a READY version");
        using var minio = sandbox.MinioClient();
        var example = await ReadAsync(minio, $"{experimentId}/{runId}/artifacts/model/serving_input_example.json");
        var log = new CapturedLog();

        await using var server = sandbox.Host.Context.ContainerPrograms.OfType<Programs.ModelServerProgram>().Single().Start(Containers.ModelServer($"models:/{model}/1", log))!;
        await Containers.ReadyAsync(server, log);
        var answer = (await Containers.PostAsync(server, "/invocations", "application/json", example))!;

        Assert.Equal(200, answer.StatusCode);
        Assert.Equal(1, JsonDocument.Parse(Containers.Text(answer)).RootElement.GetProperty("predictions").GetArrayLength());
    }

    private static async Task<string> ReadAsync(global::Minio.IMinioClient minio, string key)
    {
        using var content = new MemoryStream();
        await minio.GetObjectAsync(new GetObjectArgs().WithBucket("mlflow").WithObject(key).WithCallbackStream(s => s.CopyTo(content)));
        return Encoding.UTF8.GetString(content.ToArray());
    }

    // The product provisions bucket "mlflow" and its subscription before training; without it the upload fails, as with MinIO.
    private async Task<string> SubscribeMlflowBucketAsync()
    {
        var queue = await sandbox.BindQueueAsync();
        using var minio = sandbox.MinioClient();
        if (!await minio.BucketExistsAsync(new BucketExistsArgs().WithBucket("mlflow")))
            await minio.MakeBucketAsync(new MakeBucketArgs().WithBucket("mlflow"));
        var configuration = new QueueConfig(StorageSandbox.Arn);
        configuration.AddEvents([EventType.ObjectCreatedAll]);
        configuration.AddFilterSuffix("MLmodel");
        var notifications = new BucketNotification();
        notifications.AddQueue(configuration);
        await minio.SetBucketNotificationsAsync(new SetBucketNotificationsArgs().WithBucket("mlflow").WithBucketNotificationConfiguration(notifications));
        return queue;
    }
}
