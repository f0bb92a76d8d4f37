using Minio;
using Minio.DataModel.Args;
using Mlops.Sandbox.Kubernetes.Pods;
using Mlops.Sandbox.Mlflow;
using Mlops.Sandbox.Programs;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>
/// MinIO and MLflow run as pods: while a ready pod backs the stand-in's in-cluster Service, that pod's settings are
/// the server's, as a MinIO or MLflow started with that environment would behave.
/// </summary>
public sealed class InClusterSystemTests(InClusterSandbox sandbox) : IClassFixture<InClusterSandbox>
{
    private const string PodUser = "mlops-admin";
    private const string PodPassword = "pod-secret-123";
    private const string PodExchange = "mlops-minio-events";

    private T Program<T>() => sandbox.Host.Context.ContainerPrograms.OfType<T>().Single();

    private ContainerLaunch MinioPod(CapturedLog log, bool withTarget, string password = PodPassword)
    {
        var env = new Dictionary<string, string> { ["MINIO_ROOT_USER"] = PodUser, ["MINIO_ROOT_PASSWORD"] = password };
        if (withTarget)
        {
            env["MINIO_NOTIFY_AMQP_ENABLE_MLOPS"] = "on";
            env["MINIO_NOTIFY_AMQP_URL_MLOPS"] = sandbox.VirtualHost.AmqpUrl.ToString();
            env["MINIO_NOTIFY_AMQP_EXCHANGE_MLOPS"] = PodExchange;
            env["MINIO_NOTIFY_AMQP_EXCHANGE_TYPE_MLOPS"] = "fanout";
            env["MINIO_NOTIFY_AMQP_DURABLE_MLOPS"] = "on";
            env["MINIO_NOTIFY_AMQP_DELIVERY_MODE_MLOPS"] = "2";
        }
        return Containers.Launch("quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z", [], env, log, ["server", "/data", "--console-address", ":9001"], ns: "minio");
    }

    [Fact]
    public async Task Should_take_root_credentials_and_notification_targets_from_the_minio_pod_backing_the_service()
    {
        var log = new CapturedLog();
        await using var pod = Program<MinioServerProgram>().Start(MinioPod(log, withTarget: true))!;
        sandbox.Services.Expose("minio", "minio", 9000, pod);
        try
        {
            var bucket = $"pod-{Guid.NewGuid():N}"[..20];
            var asPod = new Botocore(sandbox.S3Url, PodUser, PodPassword);
            var asSandboxRoot = await new Botocore(sandbox.S3Url, StorageSandbox.AccessKey, StorageSandbox.SecretKey).RunAsync("create_bucket", new { bucket });
            await asPod.OkAsync("create_bucket", new { bucket });
            var queue = await sandbox.BindQueueAsync(PodExchange);
            using var minio = new MinioClient().WithEndpoint(sandbox.S3Url.Host, sandbox.S3Url.Port).WithCredentials(PodUser, PodPassword).WithRegion("us-east-1").Build();
            await Subscribe(minio, bucket, "arn:minio:sqs::MLOPS:amqp");
            var sandboxTarget = await Assert.ThrowsAnyAsync<Exception>(() => Subscribe(minio, bucket, StorageSandbox.Arn));
            await asPod.OkAsync("put", new { bucket, key = "1/run/artifacts/model/MLmodel", body = "artifact_path: model\n" });
            var message = await sandbox.NextMessageAsync(queue, "the event through the pod's target");

            Assert.Equal("InvalidAccessKeyId", asSandboxRoot.Text("code"));
            Assert.Contains("A specified destination ARN does not exist or is not well-formed", sandboxTarget.Message, StringComparison.Ordinal);
            Assert.Equal($"{bucket}/1/run/artifacts/model/MLmodel", EventDeliveryTests.Body(message).GetProperty("Key").GetString());
            Assert.Equal(200, (await Containers.GetAsync(pod, "/minio/health/ready", port: 9000))?.StatusCode);
            Assert.Equal(200, (await Containers.GetAsync(pod, "/", port: 9001))?.StatusCode);
            Assert.Equal(403, (await Containers.GetAsync(pod, $"/{bucket}", port: 9000))?.StatusCode);
            Assert.Contains("SQS ARNs: arn:minio:sqs::MLOPS:amqp", log.Lines);
        }
        finally
        {
            sandbox.Services.Expose("minio", "minio", 9000, ready: null);
        }
    }

    [Fact]
    public async Task Should_refuse_a_subscription_when_the_minio_pod_was_started_without_the_target()
    {
        await using var pod = Program<MinioServerProgram>().Start(MinioPod(new CapturedLog(), withTarget: false))!;
        sandbox.Services.Expose("minio", "minio", 9000, pod);
        try
        {
            var bucket = $"pod-{Guid.NewGuid():N}"[..20];
            using var minio = new MinioClient().WithEndpoint(sandbox.S3Url.Host, sandbox.S3Url.Port).WithCredentials(PodUser, PodPassword).WithRegion("us-east-1").Build();
            await minio.MakeBucketAsync(new MakeBucketArgs().WithBucket(bucket));

            var refused = await Assert.ThrowsAnyAsync<Exception>(() => Subscribe(minio, bucket, "arn:minio:sqs::MLOPS:amqp"));

            Assert.Contains("A specified destination ARN does not exist or is not well-formed. Verify the destination ARN.", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            sandbox.Services.Expose("minio", "minio", 9000, ready: null);
        }
    }

    [Fact]
    public async Task Should_exit_a_minio_pod_whose_root_password_is_too_short()
    {
        var log = new CapturedLog();
        await using var pod = Program<MinioServerProgram>().Start(MinioPod(log, withTarget: false, password: "short"))!;

        Assert.Equal(1, await Containers.ExitCodeAsync(pod));
        Assert.Equal("FATAL Unable to validate credentials inherited from the shell environment: Invalid credentials", log.Lines[0]);
        Assert.Contains("MINIO_ROOT_USER length should be at least 3, and MINIO_ROOT_PASSWORD length at least 8 characters", log.LastLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_fail_a_model_server_when_the_minio_service_has_no_ready_pod()
    {
        sandbox.Services.Expose("minio", "minio", 9000, ready: null);
        var name = await new RegisteredModels(sandbox).LoggedAndRegisteredAsync();
        var log = new CapturedLog();

        await using var server = Program<ModelServerProgram>().Start(Containers.ModelServer($"models:/{name}/1", log))!;

        Assert.Equal(1, await Containers.ExitCodeAsync(server));
        Assert.StartsWith("botocore.exceptions.EndpointConnectionError: Could not connect to the endpoint URL: \"http://minio.minio.svc.cluster.local:9000/mlflow?", log.LastLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_apply_the_webhook_rules_of_the_mlflow_pod_backing_the_service()
    {
        var log = new CapturedLog();
        var launch = Containers.Launch("ghcr.io/mlflow/mlflow:v3.1.0",
            ["mlflow", "server", "--host", "0.0.0.0", "--port", "5000", "--backend-store-uri", "postgresql://mlflow@postgres/mlflow"], new Dictionary<string, string>(), log, ns: "mlflow");
        await using var pod = Program<MlflowServerProgram>().Start(launch)!;
        using var http = sandbox.MlflowClient();
        var hook = new { name = "private", url = "http://10.0.0.7/hook", events = new[] { new { entity = "model_version", action = "created" } } };

        var beforePod = await http.CallAsync(HttpMethod.Post, "webhooks", hook);
        sandbox.Services.Expose("mlflow", "mlflow", 5000, pod);
        try
        {
            var withPod = await http.CallAsync(HttpMethod.Post, "webhooks", hook);
            var health = await Containers.GetAsync(pod, "/health", port: 5000);
            var experiments = await pod.HandleAsync(new ContainerRequest(5000, "POST", "/api/2.0/mlflow/experiments/search", "application/json", "{\"max_results\": 5}"u8.ToArray()), CancellationToken.None);

            Assert.Equal(200, beforePod.Status);
            Assert.Equal((400, "Invalid webhook URL scheme: 'http'. Allowed schemes are: https."), (withPod.Status, withPod.Body.Text("message")));
            Assert.Equal(("OK", 200), (Containers.Text(health!), experiments!.StatusCode));
        }
        finally
        {
            sandbox.Services.Expose("mlflow", "mlflow", 5000, ready: null);
        }
    }

    private static Task Subscribe(global::Minio.IMinioClient minio, string bucket, string arn)
    {
        var queue = new global::Minio.DataModel.Notification.QueueConfig(arn);
        queue.AddEvents([global::Minio.DataModel.Notification.EventType.ObjectCreatedAll]);
        var notifications = new global::Minio.DataModel.Notification.BucketNotification();
        notifications.AddQueue(queue);
        return minio.SetBucketNotificationsAsync(new SetBucketNotificationsArgs().WithBucket(bucket).WithBucketNotificationConfiguration(notifications));
    }
}
