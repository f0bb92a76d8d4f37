using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MassTransit;
using Minio.DataModel.Args;
using Minio.DataModel.Notification;
using Mlops.Contracts;
using Mlops.Testing;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace Mlops.ServiceDefaults.Tests.Broker;

/// <summary>
/// The sandbox's MinIO with its AMQP target <c>MLOPS</c> (with a <c>QUEUE_DIR</c>, as the product configures it) and the real
/// ModelPromoter process, both on a RabbitMQ node of the test's own, which is stopped cleanly while models are logged: MinIO
/// keeps the events of the objects written during the outage in its queue directory and sends them once the broker is back,
/// each once; the promoter, never restarted, is unready during the outage and hands every logged model to its run's saga
/// afterwards, nothing in an error queue. A MinIO stopped during the outage sends what it kept when it starts again.
/// </summary>
[Collection(BrokerRestartCollection.Name)]
public sealed class When_MinIO_reports_objects_while_the_broker_is_down(ITestOutputHelper output)
{
    private const string Exchange = "mlops-minio-events";
    private const string Bucket = "mlflow";
    private const string OpsToken = "broker-restart-ops-token-0123456789";
    private const int ModelsBefore = 2;
    private const int ModelsDuring = 5;

    [Fact]
    public async Task Should_deliver_the_events_kept_in_its_queue_directory_and_promote_from_each()
    {
        await using var node = await RabbitMqNode.StartAsync();
        var queueDirectory = Directory.CreateTempSubdirectory("broker-restart-minio-queue-").FullName;
        await using var sandbox = await StartSandboxAsync(node, queueDirectory);
        await SubscribeAsync(sandbox);
        // A witness queue on the exchange, besides the promoter's: it counts the events MinIO delivered.
        var witness = await BindWitnessAsync(node);
        using var queues = new NodeQueues(node);

        await using var store = SqliteStoreFile.Create("broker-restart-promoter");
        await using var promoter = await ServiceProcess.StartAsync("Mlops.ModelPromoter", Settings(node, sandbox, store));
        using var ops = new HttpClient { BaseAddress = new Uri(promoter.BaseUrl, "ops/") };
        ops.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OpsToken);
        await AnnounceStackAsync(node);
        await Eventually.HoldsAsync(async () => await SagasAsync(ops, "KnownStackState", null) == 1, "the promoter knows the stack");

        var runs = new List<string>();
        for (var i = 0; i < ModelsBefore + ModelsDuring; i++)
            runs.Add(await CoordinatorRunAsync(sandbox.Mlflow));
        foreach (var run in runs.Take(ModelsBefore))
            await LogModelAsync(sandbox, run);
        await Eventually.HoldsAsync(async () => await SagasAsync(ops, "RunArtifactState", "CoordinatorOwned") == ModelsBefore,
            "the models logged before the outage handed to their runs' sagas", TimeSpan.FromSeconds(60));

        await node.StopAsync();
        foreach (var run in runs.Skip(ModelsBefore))
            await LogModelAsync(sandbox, run);
        await Eventually.HoldsAsync(() => Directory.GetFiles(queueDirectory, "*.event").Length > 0,
            "MinIO keeps the events of the outage in its queue directory");
        await Eventually.HoldsAsync(async () => await Probes.StatusAsync(promoter, "health/ready") == HttpStatusCode.ServiceUnavailable,
            "the promoter's readiness answers 503 while the broker is down");
        Assert.Equal(HttpStatusCode.OK, await Probes.StatusAsync(promoter, "health/live"));

        await node.StartAgainAsync();
        var back = await Probes.TimeUntilReadyAsync(promoter, TimeSpan.FromSeconds(60));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"broker back -> Mlops.ModelPromoter ready: {back.TotalSeconds:0.0} s"));

        await Eventually.HoldsAsync(async () => await SagasAsync(ops, "RunArtifactState", "CoordinatorOwned") == runs.Count,
            "every logged model handed to its run's saga", TimeSpan.FromSeconds(60));
        await Eventually.HoldsAsync(() => Directory.GetFiles(queueDirectory, "*.event").Length == 0, "MinIO's queue directory emptied");
        await Eventually.HoldsAsync(async () => (await queues.MessagesAsync())[witness] == runs.Count, "every event on the exchange");
        var keys = await WitnessedKeysAsync(node, witness);
        Assert.Equal(runs.Select(ModelKey).Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
        Assert.Empty(await queues.FaultedAsync());
        Assert.True(promoter.IsRunning, "the promoter was never restarted");
        Directory.Delete(queueDirectory, recursive: true);
    }

    [Fact]
    public async Task Should_send_what_it_kept_when_it_starts_again_after_the_outage()
    {
        await using var node = await RabbitMqNode.StartAsync();
        var queueDirectory = Directory.CreateTempSubdirectory("broker-restart-minio-queue-").FullName;
        var witness = await BindWitnessAsync(node);
        using var queues = new NodeQueues(node);
        var run = Guid.NewGuid().ToString("N");
        await using (var first = await StartSandboxAsync(node, queueDirectory))
        {
            await SubscribeAsync(first);
            await node.StopAsync();
            await LogModelAsync(first, run);
            await Eventually.HoldsAsync(() => Directory.GetFiles(queueDirectory, "*.event").Length == 1, "the event kept in the queue directory");
        }

        // MinIO stopped with the event unsent; the broker comes back first, then MinIO, and nothing new is written.
        await node.StartAgainAsync();
        await using var second = await StartSandboxAsync(node, queueDirectory);
        await Eventually.HoldsAsync(async () => (await queues.MessagesAsync())[witness] == 1, "the kept event on the exchange");
        Assert.Equal([ModelKey(run)], await WitnessedKeysAsync(node, witness));
        Assert.Empty(Directory.GetFiles(queueDirectory, "*.event"));
        Directory.Delete(queueDirectory, recursive: true);
    }

    private static Task<SandboxFixture> StartSandboxAsync(RabbitMqNode node, string queueDirectory) => SandboxFixture.StartAsync(new Dictionary<string, string?>
    {
        ["Sandbox:s3:MINIO_NOTIFY_AMQP_ENABLE_MLOPS"] = "on",
        ["Sandbox:s3:MINIO_NOTIFY_AMQP_URL_MLOPS"] = node.AmqpUrl.ToString(),
        ["Sandbox:s3:MINIO_NOTIFY_AMQP_EXCHANGE_MLOPS"] = Exchange,
        ["Sandbox:s3:MINIO_NOTIFY_AMQP_EXCHANGE_TYPE_MLOPS"] = "fanout",
        ["Sandbox:s3:MINIO_NOTIFY_AMQP_DURABLE_MLOPS"] = "on",
        ["Sandbox:s3:MINIO_NOTIFY_AMQP_DELIVERY_MODE_MLOPS"] = "2",
        ["Sandbox:s3:MINIO_NOTIFY_AMQP_QUEUE_DIR_MLOPS"] = queueDirectory,
    });

    /// <summary>The artifact bucket, its created objects reported to the target as the Provisioner subscribes it.</summary>
    private static async Task SubscribeAsync(SandboxFixture sandbox)
    {
        await sandbox.Minio.MakeBucketAsync(new MakeBucketArgs().WithBucket(Bucket));
        var notifications = new BucketNotification();
        var queue = new QueueConfig("arn:minio:sqs::MLOPS:amqp");
        queue.AddEvents([EventType.ObjectCreatedAll]);
        notifications.AddQueue(queue);
        await sandbox.Minio.SetBucketNotificationsAsync(new SetBucketNotificationsArgs().WithBucket(Bucket).WithBucketNotificationConfiguration(notifications));
    }

    private static Dictionary<string, string?> Settings(RabbitMqNode node, SandboxFixture sandbox, SqliteStoreFile store) => new(store.Settings())
    {
        ["RABBITMQ_URL"] = node.AmqpUrl.ToString(),
        [$"Ops:Tokens:broker-restart"] = OpsToken,
        ["Mlflow:Url"] = sandbox.MlflowUrl.ToString(),
        ["Kubernetes:Server"] = sandbox.KubernetesUrl.ToString(),
        ["Kubernetes:Namespace"] = "mlflow",
        ["Minio:Endpoint"] = sandbox.S3Url.GetLeftPart(UriPartial.Authority),
        ["Minio:AccessKey"] = SandboxFixture.RootUser,
        ["Minio:SecretKey"] = SandboxFixture.RootPassword,
        ["ModelPromoter:Reconciliation:Enabled"] = "false",
        ["SagaStore:SweepInterval"] = "00:00:00.200",
        ["Sagas:StepRetry:First"] = "00:00:00.200",
        ["Sagas:StepRetry:Max"] = "00:00:01",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
    };

    private static string ModelKey(string runId) => $"0/{runId}/artifacts/model/MLmodel";

    /// <summary>A finished run tagged as the TrainingCoordinator tags its runs, so its saga ends handing it over.</summary>
    private static async Task<string> CoordinatorRunAsync(HttpClient mlflow)
    {
        using var created = await mlflow.PostAsJsonAsync("api/2.0/mlflow/runs/create", new
        {
            experiment_id = "0",
            start_time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            tags = new[] { new { key = "mlops.training_id", value = Guid.NewGuid().ToString() } },
        });
        created.EnsureSuccessStatusCode();
        var run = await created.Content.ReadFromJsonAsync<JsonElement>();
        var runId = run.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
        using var finished = await mlflow.PostAsJsonAsync("api/2.0/mlflow/runs/update",
            new { run_id = runId, status = "FINISHED", end_time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });
        finished.EnsureSuccessStatusCode();
        return runId;
    }

    private static async Task LogModelAsync(SandboxFixture sandbox, string runId)
    {
        var body = Encoding.UTF8.GetBytes(SandboxFixture.PytorchMlmodel);
        using var stream = new MemoryStream(body);
        await sandbox.Minio.PutObjectAsync(new PutObjectArgs().WithBucket(Bucket).WithObject(ModelKey(runId))
            .WithStreamData(stream).WithObjectSize(body.Length).WithContentType("text/yaml"));
    }

    private static async Task AnnounceStackAsync(RabbitMqNode node)
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(node.AmqpUrl));
        await bus.StartAsync();
        try
        {
            await bus.Publish(new StackReady
            {
                FlowId = Guid.NewGuid(),
                OccurredAt = DateTimeOffset.UtcNow,
                StackName = "homelab",
                Namespace = "mlflow",
                MlflowTrackingUri = SandboxFixture.InClusterMlflowUrl,
                MinioEndpoint = SandboxFixture.InClusterS3Url,
                ArtifactBucket = Bucket,
                Buckets = [Bucket],
                Credentials = new StackCredentials { SecretName = SandboxFixture.S3SecretName },
                Namespaces = [new StackNamespace { Name = "mlflow", Credentials = new StackCredentials { SecretName = SandboxFixture.S3SecretName } }],
                MinioExchange = Exchange,
            });
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    /// <summary>The promoter's sagas of <paramref name="type"/> (in <paramref name="state"/>), through its ops API.</summary>
    private static async Task<int> SagasAsync(HttpClient ops, string type, string? state)
    {
        var page = await ops.GetFromJsonAsync<JsonElement>($"sagas?type={type}" + (state is null ? "" : $"&state={state}"));
        return page.GetProperty("items").GetArrayLength();
    }

    private static async Task<string> BindWitnessAsync(RabbitMqNode node)
    {
        var factory = new ConnectionFactory { Uri = node.AmqpUrl };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Fanout, durable: true);
        var name = "test-minio-witness";
        await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(name, Exchange, "");
        return name;
    }

    /// <summary>The object keys of the events in the witness queue (records' keys are URL-encoded, as MinIO sends them).</summary>
    private static async Task<List<string>> WitnessedKeysAsync(RabbitMqNode node, string witness)
    {
        var factory = new ConnectionFactory { Uri = node.AmqpUrl };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var keys = new List<string>();
        while (await channel.BasicGetAsync(witness, autoAck: true) is { } message)
        {
            var record = JsonDocument.Parse(message.Body).RootElement.GetProperty("Records")[0];
            keys.Add(Uri.UnescapeDataString(record.GetProperty("s3").GetProperty("object").GetProperty("key").GetString()!));
        }
        return keys;
    }
}
