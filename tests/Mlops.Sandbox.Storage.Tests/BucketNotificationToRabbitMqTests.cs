using System.Text.Json;
using Minio.DataModel.Args;
using Minio.DataModel.Notification;
using Mlops.Testing;
using RabbitMQ.Client;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>An object written by s3cmd reaches a real RabbitMQ queue as MinIO's AMQP message, filtered as subscribed.</summary>
public sealed class BucketNotificationToRabbitMqTests(StorageSandbox sandbox) : IClassFixture<StorageSandbox>, IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    [Fact]
    public async Task Should_publish_minio_message_for_mlmodel_put_with_fixture_shape_headers_and_persistence()
    {
        var (bucket, queue) = await SubscribedBucketAsync(suffix: "MLmodel");
        var runId = Guid.NewGuid().ToString("N");
        var key = $"3/{runId}/artifacts/model/MLmodel";
        await File.WriteAllTextAsync(_file, "artifact_path: model\nflavors: {}\n");
        using var s3cmd = new S3cmd(sandbox.S3Url, StorageSandbox.AccessKey, StorageSandbox.SecretKey);

        await s3cmd.RunAsync("put", _file, $"s3://{bucket}/{key}");
        var message = await sandbox.NextMessageAsync(queue, "the MinIO event for MLmodel");

        var fixture = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(TestEnvironment.FixturesDirectory, "minio-mlmodel-put.json"))).RootElement;
        var body = JsonDocument.Parse(StorageSandbox.Text(message)).RootElement;
        JsonShape.AssertSame(fixture, body);
        Assert.Equal("s3:ObjectCreated:Put", body.GetProperty("EventName").GetString());
        Assert.Equal($"{bucket}/{key}", body.GetProperty("Key").GetString());
        var record = body.GetProperty("Records")[0];
        Assert.Equal(Uri.EscapeDataString(key), record.GetProperty("s3").GetProperty("object").GetProperty("key").GetString());
        Assert.Equal(StorageSandbox.AccessKey, record.GetProperty("userIdentity").GetProperty("principalId").GetString());
        Assert.Equal(new FileInfo(_file).Length, record.GetProperty("s3").GetProperty("object").GetProperty("size").GetInt64());
        Assert.Equal(bucket, StorageSandbox.Header(message, "minio-bucket"));
        Assert.Equal("s3:ObjectCreated:Put", StorageSandbox.Header(message, "minio-event"));
        Assert.Equal("application/json", message.BasicProperties.ContentType);
        Assert.Equal(DeliveryModes.Persistent, message.BasicProperties.DeliveryMode);
        Assert.Null(message.BasicProperties.MessageId);
        Assert.Equal(StorageSandbox.Exchange, message.Exchange);
        Assert.Equal("bucketlogs", message.RoutingKey);
    }

    [Fact]
    public async Task Should_send_nothing_for_objects_outside_the_suffix_filter()
    {
        var (bucket, queue) = await SubscribedBucketAsync(suffix: "MLmodel");
        await File.WriteAllTextAsync(_file, "weights");
        using var s3cmd = new S3cmd(sandbox.S3Url, StorageSandbox.AccessKey, StorageSandbox.SecretKey);

        // Events leave in write order, so once MLmodel's has arrived, model.pth's would have arrived before it.
        await s3cmd.RunAsync("put", _file, $"s3://{bucket}/3/run/artifacts/model/data/model.pth");
        await s3cmd.RunAsync("put", _file, $"s3://{bucket}/3/run/artifacts/model/MLmodel");
        var message = await sandbox.NextMessageAsync(queue, "the MinIO event for MLmodel");

        Assert.EndsWith("/MLmodel", JsonDocument.Parse(StorageSandbox.Text(message)).RootElement.GetProperty("Key").GetString(), StringComparison.Ordinal);
        Assert.Equal(0u, await sandbox.MessageCountAsync(queue));
    }

    [Fact]
    public async Task Should_publish_object_removed_delete_after_a_delete()
    {
        var (bucket, queue) = await SubscribedBucketAsync(suffix: null, "s3:ObjectRemoved:*");
        await File.WriteAllTextAsync(_file, "weights");
        using var s3cmd = new S3cmd(sandbox.S3Url, StorageSandbox.AccessKey, StorageSandbox.SecretKey);
        await s3cmd.RunAsync("put", _file, $"s3://{bucket}/old model.pth");

        await s3cmd.RunAsync("del", $"s3://{bucket}/old model.pth");
        var message = await sandbox.NextMessageAsync(queue, "the MinIO event for the delete");

        var body = JsonDocument.Parse(StorageSandbox.Text(message)).RootElement;
        Assert.Equal("s3:ObjectRemoved:Delete", body.GetProperty("EventName").GetString());
        Assert.Equal($"{bucket}/old model.pth", body.GetProperty("Key").GetString());
        Assert.Equal("old+model.pth", body.GetProperty("Records")[0].GetProperty("s3").GetProperty("object").GetProperty("key").GetString());
        Assert.Equal(0u, await sandbox.MessageCountAsync(queue));
    }

    [Fact]
    public async Task Should_publish_object_created_copy_for_a_server_side_copy()
    {
        var (bucket, queue) = await SubscribedBucketAsync(suffix: "copy.txt", "s3:ObjectCreated:Copy");
        await File.WriteAllTextAsync(_file, "weights");
        using var s3cmd = new S3cmd(sandbox.S3Url, StorageSandbox.AccessKey, StorageSandbox.SecretKey);
        await s3cmd.RunAsync("put", _file, $"s3://{bucket}/original.txt");
        using var minio = sandbox.MinioClient();

        // s3cmd's cp reads the source's ACL first, which s3rver answers incompletely; the Minio SDK copies directly.
        await minio.CopyObjectAsync(new CopyObjectArgs().WithBucket(bucket).WithObject("copy.txt")
            .WithCopyObjectSource(new CopySourceObjectArgs().WithBucket(bucket).WithObject("original.txt")));
        var message = await sandbox.NextMessageAsync(queue, "the MinIO event for the copy");

        Assert.Equal("s3:ObjectCreated:Copy", StorageSandbox.Header(message, "minio-event"));
        Assert.Equal(0u, await sandbox.MessageCountAsync(queue));
    }

    private async Task<(string Bucket, string Queue)> SubscribedBucketAsync(string? suffix, string eventName = "s3:ObjectCreated:*")
    {
        var queue = await sandbox.BindQueueAsync();
        using var minio = sandbox.MinioClient();
        var bucket = $"n-{Guid.NewGuid():N}"[..20];
        await minio.MakeBucketAsync(new MakeBucketArgs().WithBucket(bucket));
        var configuration = new QueueConfig(StorageSandbox.Arn);
        configuration.AddEvents([new EventType(eventName)]);
        if (suffix is not null)
            configuration.AddFilterSuffix(suffix);
        var notifications = new BucketNotification();
        notifications.AddQueue(configuration);
        await minio.SetBucketNotificationsAsync(new SetBucketNotificationsArgs().WithBucket(bucket).WithBucketNotificationConfiguration(notifications));
        return (bucket, queue);
    }

    public void Dispose() => File.Delete(_file);
}
