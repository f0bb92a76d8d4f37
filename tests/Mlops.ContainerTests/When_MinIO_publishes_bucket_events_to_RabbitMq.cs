using System.Text;
using Minio.DataModel.Args;
using Minio.Exceptions;
using Mlops.Clients.Minio;
using Mlops.Contracts.Minio;
using Mlops.ModelPromoter.Triggers.Minio;
using Mlops.Testing;
using RabbitMQ.Client;

namespace Mlops.ContainerTests;

/// <summary>
/// A real MinIO with the product's AMQP target, publishing to a real RabbitMQ on a shared network: the product's MinIO client
/// makes the bucket and its notification, and what MinIO publishes for an object put is an event the ModelPromoter reads.
/// </summary>
public sealed class When_MinIO_publishes_bucket_events_to_RabbitMq : IClassFixture<MinioWithBroker>
{
    private const string Bucket = "mlflow";

    private readonly MinioWithBroker _servers;

    public When_MinIO_publishes_bucket_events_to_RabbitMq(MinioWithBroker servers) => _servers = servers;

    private IMinioStorage Storage => _servers.Storage;

    [DockerFact]
    public async Task Should_make_the_bucket_and_its_notification_with_the_products_client()
    {
        Assert.True(await Storage.EnsureBucketAsync("made-" + Guid.NewGuid().ToString("N")[..8]));
        await Storage.EnsureBucketAsync(Bucket);
        Assert.False(await Storage.EnsureBucketAsync(Bucket));

        var subscription = new BucketQueueSubscription("mlops-models", MinioServer.TargetArn, ["s3:ObjectCreated:*"], Suffix: "MLmodel");
        await Storage.SubscribeAsync(Bucket, subscription);

        var stored = Assert.Single(await Storage.GetQueueSubscriptionsAsync(Bucket), s => s.Arn == MinioServer.TargetArn);
        Assert.Equal(("mlops-models", "MLmodel"), (stored.Id, stored.Suffix));
        Assert.Contains("s3:ObjectCreated:*", stored.Events);
    }

    [DockerFact]
    public async Task Should_refuse_a_notification_to_a_target_the_server_lacks()
    {
        await Storage.EnsureBucketAsync(Bucket);

        var refused = await Assert.ThrowsAnyAsync<MinioException>(() =>
            Storage.SubscribeAsync(Bucket, new BucketQueueSubscription("elsewhere", "arn:minio:sqs::ELSEWHERE:amqp", ["s3:ObjectCreated:*"])));

        // What the Provisioner's notifications step reads as "MinIO has no AMQP target".
        Assert.Equal("InvalidArgument", refused.Response?.Code);
    }

    [DockerFact]
    public async Task Should_deliver_an_object_put_as_an_event_the_ModelPromoter_reads()
    {
        var queue = await BindQueueAsync();
        await SubscribeToModelsAsync();
        var runId = Guid.NewGuid().ToString("N");
        // A space and a plus in the model's path: MinIO encodes the record's key, the reader must decode it.
        var key = $"3/{runId}/artifacts/my model+v2/MLmodel";

        await PutAsync(key, "artifact_path: model\nflavors:\n  python_function: {}\n");

        var record = (await EventsOfRunAsync(queue, runId, until: key)).Single();
        Assert.StartsWith("s3:ObjectCreated:", record.EventName, StringComparison.Ordinal);
        Assert.Equal((Bucket, key), (record.BucketName, record.ObjectKey));
        Assert.True(record.IsCreated);
        Assert.Equal(MlflowArtifactKey.Kind.Model, MlflowArtifactKey.Read(record.ObjectKey, out var artifact, out var why));
        Assert.Equal(("3", runId, "my model+v2"), (artifact!.ExperimentId, artifact.RunId, artifact.ArtifactPath));
        Assert.Empty(why);
    }

    [DockerFact]
    public async Task Should_publish_nothing_for_an_object_outside_the_notifications_suffix()
    {
        var queue = await BindQueueAsync();
        await SubscribeToModelsAsync();
        var runId = Guid.NewGuid().ToString("N");
        var mlmodel = $"3/{runId}/artifacts/model/MLmodel";

        await PutAsync($"3/{runId}/artifacts/model/model.pth", "weights");
        await PutAsync(mlmodel, "flavors: {}\n");

        // MinIO sends a target's events in order: a weights event would have come before the MLmodel's.
        var events = await EventsOfRunAsync(queue, runId, until: mlmodel);
        Assert.Equal([mlmodel], events.Select(e => e.ObjectKey));
    }

    [DockerFact]
    public async Task Should_tell_valid_keys_from_a_wrong_secret_and_an_unknown_key_by_their_SigV4_signatures()
    {
        await Storage.EnsureBucketAsync(Bucket);

        Assert.Equal(MinioKeyProbeOutcome.Accepted, (await Storage.ProbeKeysAsync(MinioServer.RootUser, _servers.Minio.RootPassword, Bucket)).Outcome);
        Assert.Equal(MinioKeyProbeOutcome.SignatureDoesNotMatch, (await Storage.ProbeKeysAsync(MinioServer.RootUser, "not-the-secret-key", Bucket)).Outcome);
        Assert.Equal(MinioKeyProbeOutcome.InvalidAccessKeyId, (await Storage.ProbeKeysAsync("nobody-" + Guid.NewGuid().ToString("N")[..8], "whatever-secret", Bucket)).Outcome);
    }

    /// <summary>The bucket with the rule the Provisioner writes for MLflow's models: created objects ending in MLmodel.</summary>
    private async Task SubscribeToModelsAsync()
    {
        await Storage.EnsureBucketAsync(Bucket);
        await Storage.SubscribeAsync(Bucket, new BucketQueueSubscription("mlops-models", MinioServer.TargetArn, ["s3:ObjectCreated:*"], Suffix: "MLmodel"));
    }

    /// <summary>
    /// The objects of <paramref name="runId"/> that events on the queue name, read with the product's parser, until the
    /// event for <paramref name="until"/> arrives (other tests' late events are passed over).
    /// </summary>
    private async Task<List<MinioObjectEvent>> EventsOfRunAsync(string queue, string runId, string until)
    {
        var seen = new List<MinioObjectEvent>();
        await Eventually.HoldsAsync(async () =>
        {
            while (await GetAsync(queue) is { } body)
                seen.AddRange(MinioEventNotification.Parse(body).Objects().Where(o => o.ObjectKey.Contains(runId, StringComparison.Ordinal)));
            return seen.Any(o => o.ObjectKey == until);
        }, $"MinIO's event for {until} on the exchange", TimeSpan.FromSeconds(60));
        return seen;
    }

    /// <summary>A queue of this test's own on MinIO's exchange, declared as MinIO and the ModelPromoter declare it.</summary>
    private async Task<string> BindQueueAsync()
    {
        await using var connection = await _servers.Broker.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(MinioServer.Exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var queue = $"container-minio-events-{Guid.NewGuid():N}";
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(queue, MinioServer.Exchange, "");
        return queue;
    }

    private async Task<byte[]?> GetAsync(string queue)
    {
        await using var connection = await _servers.Broker.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var message = await channel.BasicGetAsync(queue, autoAck: true);
        return message?.Body.ToArray();
    }

    private async Task PutAsync(string key, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        using var stream = new MemoryStream(bytes);
        await Storage.Client.PutObjectAsync(new PutObjectArgs().WithBucket(Bucket).WithObject(key).WithStreamData(stream).WithObjectSize(bytes.Length));
    }
}
