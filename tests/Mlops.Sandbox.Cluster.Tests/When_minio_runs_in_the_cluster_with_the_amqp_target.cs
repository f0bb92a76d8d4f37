using Minio.DataModel.Args;
using Mlops.Testing;

namespace Mlops.Sandbox.Cluster.Tests;

/// <summary>
/// MinIO run as a Deployment with the <c>MINIO_NOTIFY_AMQP_*</c> settings: while its ready pod backs the in-cluster address
/// it is the server, so a training Job's upload through that address reaches RabbitMQ through the pod's own target.
/// </summary>
public sealed class When_minio_runs_in_the_cluster_with_the_amqp_target(BrokerClusterSandbox sandbox) : IClassFixture<BrokerClusterSandbox>
{
    [Fact]
    public async Task Should_send_the_mlmodel_event_of_a_training_job_through_the_minio_pods_target()
    {
        await InClusterMinio.DeployAsync(sandbox, sandbox.VirtualHost.AmqpUrl);
        var podQueue = await sandbox.BindQueueAsync(InClusterMinio.Exchange);
        var standInQueue = await sandbox.BindQueueAsync(BrokerClusterSandbox.StandInExchange);
        using var minio = InClusterMinio.Client(sandbox.Fixture);
        await minio.MakeBucketAsync(new MakeBucketArgs().WithBucket("mlflow"));
        await InClusterMinio.SubscribeAsync(minio, "mlflow", InClusterMinio.Arn);

        var ns = await sandbox.Fixture.NewNamespaceAsync("train");
        await sandbox.Fixture.CreateS3SecretAsync(ns);
        await sandbox.ApplyAsync(Manifests.TrainingJob(ns, "train", SandboxFixture.InClusterMlflowUrl));
        (await sandbox.Kubectl.RunAsync("wait", "--for=condition=Complete", "job/train", "-n", ns, "--timeout=60s")).Succeeded();
        var log = (await sandbox.Kubectl.RunAsync("logs", "job/train", "-n", ns)).Succeeded().Output;
        var runId = log.TrimEnd('\n').Split('\n')[^1].Split("/runs/")[1];
        var (body, bucket) = await sandbox.NextEventAsync(podQueue, b => b.Contains(runId, StringComparison.Ordinal), "the MLmodel event through the pod's target");

        var message = ClusterSandbox.Json(body);
        Assert.Equal("mlflow", bucket);
        Assert.Equal("s3:ObjectCreated:Put", message["EventName"]!.GetValue<string>());
        Assert.Equal($"mlflow/0/{runId}/artifacts/model/MLmodel", message["Key"]!.GetValue<string>());
        Assert.Equal(0u, await sandbox.MessageCountAsync(standInQueue));
        var pod = await sandbox.PodAsync("minio", "app=minio");
        Assert.True(pod.Status.ContainerStatuses.Single().Ready);
    }
}
