using k8s;
using k8s.Models;
using Minio;
using Minio.DataModel.Args;
using Minio.DataModel.Notification;
using Mlops.Testing;

namespace Mlops.Sandbox.Cluster.Tests;

/// <summary>What a MinIO Deployment backing <c>minio.minio.svc.cluster.local:9000</c> needs, shared by the two situations.</summary>
public static class InClusterMinio
{
    public const string RootUser = "mlops-admin";
    public const string RootPassword = "pod-root-secret";
    public const string Exchange = "mlops-minio-events";
    public const string Arn = "arn:minio:sqs::MLOPS:amqp";

    /// <summary>Namespace <c>minio</c>, its Secrets, and the MinIO Deployment and Service, rolled out.</summary>
    public static async Task DeployAsync(ClusterSandbox sandbox, Uri? amqpUrl)
    {
        var client = sandbox.Client;
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "minio" } });
        await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "minio-root" },
            StringData = new Dictionary<string, string> { ["user"] = RootUser, ["password"] = RootPassword },
        }, "minio");
        if (amqpUrl is not null)
        {
            await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
            {
                Metadata = new V1ObjectMeta { Name = "minio-amqp" },
                StringData = new Dictionary<string, string>
                {
                    ["MINIO_NOTIFY_AMQP_ENABLE_MLOPS"] = "on",
                    ["MINIO_NOTIFY_AMQP_URL_MLOPS"] = amqpUrl.ToString(),
                    ["MINIO_NOTIFY_AMQP_EXCHANGE_MLOPS"] = Exchange,
                    ["MINIO_NOTIFY_AMQP_EXCHANGE_TYPE_MLOPS"] = "fanout",
                    ["MINIO_NOTIFY_AMQP_DURABLE_MLOPS"] = "on",
                    ["MINIO_NOTIFY_AMQP_DELIVERY_MODE_MLOPS"] = "2",
                },
            }, "minio");
        }
        await sandbox.ApplyAsync(Manifests.Minio(withTargets: amqpUrl is not null));
        (await sandbox.Kubectl.RunAsync("rollout", "status", "deployment/minio", "-n", "minio", "--timeout=60s")).Succeeded();
    }

    /// <summary>The Minio SDK as the Provisioner reaches that MinIO (the same server at the stand-in's URL), with its root keys.</summary>
    public static IMinioClient Client(SandboxFixture fixture) =>
        new MinioClient().WithEndpoint(fixture.S3Url.Host, fixture.S3Url.Port).WithCredentials(RootUser, RootPassword).WithRegion("us-east-1").Build();

    /// <summary>Subscribes <paramref name="bucket"/>'s MLmodel uploads to <paramref name="arn"/>.</summary>
    public static Task SubscribeAsync(IMinioClient minio, string bucket, string arn)
    {
        var queue = new QueueConfig(arn);
        queue.AddEvents([EventType.ObjectCreatedAll]);
        queue.AddFilterSuffix("MLmodel");
        var notifications = new BucketNotification();
        notifications.AddQueue(queue);
        return minio.SetBucketNotificationsAsync(new SetBucketNotificationsArgs().WithBucket(bucket).WithBucketNotificationConfiguration(notifications));
    }
}
