using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using k8s;
using Minio.DataModel.Args;
using Mlops.Contracts;
using Mlops.Provisioner.Tests.Testbed;
using Mlops.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Mlops.Provisioner.Tests;

/// <summary>
/// minio.install and mlflow.install: both roll out from the shipped manifests with their keys by secretKeyRef, and the
/// buckets' events reach the bus through the in-cluster MinIO's own AMQP target (the sandbox's MinIO has none here).
/// </summary>
public sealed class When_the_stack_installs_MinIO_and_MLflow_in_the_cluster
{
    private static readonly string SandboxBroker = ProvisionerTestbed.Sealed("amqp://guest:guest@127.0.0.1:5672/");

    [Fact]
    public async Task Should_roll_both_out_and_reach_StackReady_with_notifications_flowing_through_the_in_cluster_MinIO()
    {
        await using var testbed = await ProvisionerTestbed.StartAsync(new TestbedOptions { MinioTarget = false });
        var stack = InClusterStack(testbed);
        await testbed.ProvisionAsync(stack);

        var ready = await testbed.EventAsync<StackReady>(timeout: TimeSpan.FromSeconds(90));
        Assert.Equal("http://minio.minio.svc.cluster.local:9000", ready.MinioEndpoint);
        var minio = await testbed.Kubernetes.AppsV1.ReadNamespacedDeploymentAsync("minio", "minio");
        var mlflow = await testbed.Kubernetes.AppsV1.ReadNamespacedDeploymentAsync("mlflow", "mlflow");
        Assert.Equal(1, minio.Status.AvailableReplicas);
        Assert.Equal(1, mlflow.Status.AvailableReplicas);
        var env = minio.Spec.Template.Spec.Containers.Single().Env;
        Assert.All(env.Where(e => e.Name is "MINIO_ROOT_USER" or "MINIO_ROOT_PASSWORD" or "MINIO_NOTIFY_AMQP_URL_MLOPS"), e =>
        {
            Assert.Null(e.Value);
            Assert.Equal("minio-server", e.ValueFrom.SecretKeyRef.Name);
        });
        Assert.Equal("/data/.minio-events", env.Single(e => e.Name == "MINIO_NOTIFY_AMQP_QUEUE_DIR_MLOPS").Value);
        var order = testbed.Requests("kubernetes").Where(r => r.Verb == "create").Select(r => r.Resource).ToList();
        Assert.True(order.IndexOf("sealedsecrets") < order.IndexOf("deployments"), string.Join(", ", order));

        using var events = await MinioEventsAsync(testbed);
        var body = Encoding.UTF8.GetBytes("artifact_path: model\nflavors:\n  python_function: {}\n");
        using var stream = new MemoryStream(body);
        await testbed.Sandbox.Minio.PutObjectAsync(new PutObjectArgs().WithBucket("mlflow").WithObject("0/run-1/artifacts/model/MLmodel")
            .WithStreamData(stream).WithObjectSize(body.Length));

        var message = await Eventually.ReturnsAsync(() => Task.FromResult(events.Received.TryPeek(out var m) ? m : null), "MinIO's event on mlops-minio-events");
        using var json = JsonDocument.Parse(message);
        Assert.Equal("mlflow/0/run-1/artifacts/model/MLmodel", json.RootElement.GetProperty("Key").GetString());
        Assert.StartsWith("s3:ObjectCreated:", json.RootElement.GetProperty("EventName").GetString());
    }

    [Fact]
    public async Task Should_fail_at_the_notifications_step_naming_the_settings_when_the_MinIO_manifest_has_no_AMQP_target()
    {
        var folder = Directory.CreateTempSubdirectory("provisioner-manifests-").FullName;
        try
        {
            var shipped = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "services", "Provisioner", "Manifests", "minio.yaml"));
            var withoutTarget = Regex.Replace(shipped, @"^ +- name: MINIO_NOTIFY_AMQP_[^\n]*\n( {14}[^\n]*\n)*", "", RegexOptions.Multiline);
            Assert.DoesNotContain("MINIO_NOTIFY", withoutTarget);
            await File.WriteAllTextAsync(Path.Combine(folder, "minio.yaml"), withoutTarget);
            await using var testbed = await ProvisionerTestbed.StartAsync(new TestbedOptions
            {
                MinioTarget = false,
                Provisioner = new Dictionary<string, string?> { ["Provisioner:ManifestsDirectory"] = folder },
            });
            await testbed.ProvisionAsync(InClusterStack(testbed));

            var failed = await testbed.EventAsync<StackProvisioningFailed>(timeout: TimeSpan.FromSeconds(90));
            Assert.Equal("notifications", failed.Step);
            Assert.StartsWith("bucket mlflow: MinIO has no AMQP target MLOPS: set MINIO_NOTIFY_AMQP_ENABLE_MLOPS=on", failed.Reason);
            Assert.Contains("_QUEUE_DIR_MLOPS=/data/.minio-events", failed.Reason);
            Assert.Equal(["SecretsReady minio: minio-server", "MinioBucketReady mlflow"], testbed.Events.Lines.Where(l => !l.StartsWith("SecretsReady mlflow", StringComparison.Ordinal)).Take(2));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Should_fail_at_the_components_step_with_the_pod_s_reason_when_a_rollout_exceeds_its_progress_deadline()
    {
        var folder = Directory.CreateTempSubdirectory("provisioner-manifests-").FullName;
        try
        {
            var shipped = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "services", "Provisioner", "Manifests", "minio.yaml"));
            await File.WriteAllTextAsync(Path.Combine(folder, "minio.yaml"), shipped.Replace("key: MINIO_ROOT_PASSWORD", "key: MINIO_PASSWORD", StringComparison.Ordinal));
            await using var testbed = await ProvisionerTestbed.StartAsync(new TestbedOptions
            {
                MinioTarget = false,
                Provisioner = new Dictionary<string, string?>
                {
                    ["Provisioner:ManifestsDirectory"] = folder,
                    // The Deployment's own progress deadline (600 s, a hundredth in the sandbox) decides, as kubectl rollout status does.
                    ["Provisioner:RolloutTimeout"] = "00:02:00",
                },
            });
            await testbed.ProvisionAsync(InClusterStack(testbed));

            var failed = await testbed.EventAsync<StackProvisioningFailed>(timeout: TimeSpan.FromSeconds(60));
            Assert.Equal("components", failed.Step);
            Assert.Matches("^deployment minio/minio exceeded its progress deadline \\(pod minio-[a-z0-9-]+: CreateContainerConfigError: " +
                           "couldn't find key MINIO_PASSWORD in Secret minio/minio-server\\)$", failed.Reason);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static ProvisionStack InClusterStack(ProvisionerTestbed testbed) =>
        ProvisionerTestbed.StackFromFile("homelab-in-cluster.yaml",
            text => text.Replace(SandboxBroker, ProvisionerTestbed.Sealed(testbed.Vhost.AmqpUrl.ToString()), StringComparison.Ordinal));

    private static async Task<ExchangeQueue> MinioEventsAsync(ProvisionerTestbed testbed)
    {
        var connection = await new ConnectionFactory { Uri = testbed.Vhost.AmqpUrl }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        // Declared as MinIO declares it, or RabbitMQ refuses the second declaration.
        await channel.ExchangeDeclareAsync(ProvisionerTestbed.Exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var queue = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
        await channel.QueueBindAsync(queue.QueueName, ProvisionerTestbed.Exchange, "");
        var listening = new ExchangeQueue(connection, channel);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            listening.Received.Enqueue(Encoding.UTF8.GetString(delivery.Body.Span));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
        return listening;
    }

    private sealed class ExchangeQueue(IConnection connection, IChannel channel) : IDisposable
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Received { get; } = new();

        public void Dispose()
        {
            channel.Dispose();
            connection.Dispose();
        }
    }
}
