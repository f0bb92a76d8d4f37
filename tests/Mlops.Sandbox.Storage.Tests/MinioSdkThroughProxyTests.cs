using System.Text;
using Minio.DataModel.Args;
using Minio.DataModel.Notification;
using Minio.Exceptions;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>The Minio .NET SDK, as the product uses it, works against the s3 stand-in: buckets, objects and notifications.</summary>
public sealed class MinioSdkThroughProxyTests(StorageSandbox sandbox) : IClassFixture<StorageSandbox>
{
    [Fact]
    public async Task Should_make_a_bucket_that_then_exists()
    {
        using var minio = sandbox.MinioClient();
        var bucket = $"made-{Guid.NewGuid():N}"[..20];

        Assert.False(await minio.BucketExistsAsync(new BucketExistsArgs().WithBucket(bucket)));
        await minio.MakeBucketAsync(new MakeBucketArgs().WithBucket(bucket));

        Assert.True(await minio.BucketExistsAsync(new BucketExistsArgs().WithBucket(bucket)));
    }

    [Fact]
    public async Task Should_put_an_object_and_stat_its_size_type_etag_and_metadata()
    {
        using var minio = sandbox.MinioClient();
        var bucket = await NewBucketAsync(minio);
        var bytes = Encoding.UTF8.GetBytes("artifact_path: model\n");
        using var stream = new MemoryStream(bytes);

        await minio.PutObjectAsync(new PutObjectArgs().WithBucket(bucket).WithObject("3/run/artifacts/model/MLmodel")
            .WithStreamData(stream).WithObjectSize(bytes.Length).WithContentType("text/yaml")
            .WithHeaders(new Dictionary<string, string> { ["x-amz-meta-stage"] = "candidate" }));
        var stat = await minio.StatObjectAsync(new StatObjectArgs().WithBucket(bucket).WithObject("3/run/artifacts/model/MLmodel"));

        Assert.Equal(bytes.Length, stat.Size);
        Assert.Equal("text/yaml", stat.ContentType);
        Assert.Equal("359f439431f8e6bc8a9cf232e176ca7d", stat.ETag); // MD5 of the content, as S3 computes it
        Assert.Contains(stat.MetaData, m => m.Key.Equals("stage", StringComparison.OrdinalIgnoreCase) || m.Key.Equals("x-amz-meta-stage", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Should_keep_a_queue_notification_with_its_arn_events_and_filters()
    {
        using var minio = sandbox.MinioClient();
        var bucket = await NewBucketAsync(minio);
        var notifications = new BucketNotification();
        var queue = new QueueConfig(StorageSandbox.Arn);
        queue.AddEvents([EventType.ObjectCreatedAll]);
        queue.AddFilterPrefix("3/");
        queue.AddFilterSuffix("MLmodel");
        notifications.AddQueue(queue);

        await minio.SetBucketNotificationsAsync(new SetBucketNotificationsArgs().WithBucket(bucket).WithBucketNotificationConfiguration(notifications));
        var stored = await minio.GetBucketNotificationsAsync(new GetBucketNotificationsArgs().WithBucket(bucket));

        var kept = Assert.Single(stored.QueueConfigs);
        Assert.Equal(StorageSandbox.Arn, kept.Queue);
        Assert.Equal(["s3:ObjectCreated:*"], kept.Events.Select(e => e.Value));
        var rules = kept.Filter.S3Key.FilterRules.ToDictionary(r => r.Name, r => r.Value);
        Assert.Equal("3/", rules["prefix"]);
        Assert.Equal("MLmodel", rules["suffix"]);
    }

    [Fact]
    public async Task Should_answer_an_empty_configuration_for_a_bucket_without_notifications()
    {
        using var minio = sandbox.MinioClient();
        var bucket = await NewBucketAsync(minio);

        var stored = await minio.GetBucketNotificationsAsync(new GetBucketNotificationsArgs().WithBucket(bucket));

        Assert.Empty(stored.QueueConfigs ?? []);
    }

    [Fact]
    public async Task Should_reject_a_notification_to_an_unknown_arn_as_minio_does()
    {
        using var minio = sandbox.MinioClient();
        var bucket = await NewBucketAsync(minio);
        var notifications = new BucketNotification();
        var queue = new QueueConfig("arn:minio:sqs::ELSEWHERE:amqp");
        queue.AddEvents([EventType.ObjectCreatedAll]);
        notifications.AddQueue(queue);

        var error = await Assert.ThrowsAnyAsync<MinioException>(() =>
            minio.SetBucketNotificationsAsync(new SetBucketNotificationsArgs().WithBucket(bucket).WithBucketNotificationConfiguration(notifications)));

        Assert.Contains("InvalidArgument", error.Response?.Code ?? error.Message, StringComparison.Ordinal);
        Assert.Empty((await minio.GetBucketNotificationsAsync(new GetBucketNotificationsArgs().WithBucket(bucket))).QueueConfigs ?? []);
    }

    [Fact]
    public async Task Should_answer_no_such_bucket_for_notifications_of_a_missing_bucket()
    {
        using var minio = sandbox.MinioClient();

        // The SDK turns S3's NoSuchBucket error into this exception.
        await Assert.ThrowsAsync<BucketNotFoundException>(() =>
            minio.GetBucketNotificationsAsync(new GetBucketNotificationsArgs().WithBucket("no-such-bucket-here")));
    }

    private static async Task<string> NewBucketAsync(global::Minio.IMinioClient minio)
    {
        var bucket = $"b-{Guid.NewGuid():N}"[..20];
        await minio.MakeBucketAsync(new MakeBucketArgs().WithBucket(bucket));
        return bucket;
    }
}
