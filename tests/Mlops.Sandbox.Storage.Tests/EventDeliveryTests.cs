using System.Text;
using System.Text.Json;
using Minio;
using Minio.DataModel.Args;
using Minio.DataModel.Notification;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>What MinIO's notifications promise and do not: events for what happened, at least once, and sometimes out of order.</summary>
public static class EventDeliveryTests
{
    public static async Task<(string Bucket, string Queue)> SubscribedBucketAsync(StorageSandbox sandbox, params string[] events)
    {
        var queue = await sandbox.BindQueueAsync();
        using var minio = sandbox.MinioClient();
        var bucket = $"e-{Guid.NewGuid():N}"[..20];
        await minio.MakeBucketAsync(new MakeBucketArgs().WithBucket(bucket));
        var configuration = new QueueConfig(StorageSandbox.Arn);
        configuration.AddEvents(events.Select(e => new EventType(e)).ToList());
        var notifications = new BucketNotification();
        notifications.AddQueue(configuration);
        await minio.SetBucketNotificationsAsync(new SetBucketNotificationsArgs().WithBucket(bucket).WithBucketNotificationConfiguration(notifications));
        return (bucket, queue);
    }

    public static async Task PutAsync(IMinioClient minio, string bucket, string key, string content = "x")
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        using var stream = new MemoryStream(bytes);
        await minio.PutObjectAsync(new PutObjectArgs().WithBucket(bucket).WithObject(key).WithStreamData(stream).WithObjectSize(bytes.Length));
    }

    public static JsonElement Body(RabbitMQ.Client.BasicGetResult message) => JsonDocument.Parse(StorageSandbox.Text(message)).RootElement;

    /// <summary>Default delivery: one event per change, none for a delete of nothing, S3's multipart ETag in the event.</summary>
    public sealed class In_write_order(StorageSandbox sandbox) : IClassFixture<StorageSandbox>, IDisposable
    {
        private readonly string _file = Path.GetTempFileName();

        [Fact]
        public async Task Should_send_nothing_for_a_delete_of_a_key_that_does_not_exist()
        {
            var (bucket, queue) = await SubscribedBucketAsync(sandbox, "s3:ObjectCreated:*", "s3:ObjectRemoved:*");
            using var minio = sandbox.MinioClient();

            await new Botocore(sandbox.S3Url, StorageSandbox.AccessKey, StorageSandbox.SecretKey).OkAsync("delete", new { bucket, key = "never/written.pth" });
            await minio.RemoveObjectsAsync(new RemoveObjectsArgs().WithBucket(bucket).WithObjects(["never/written-either.pth"]));
            // Events leave in write order: whatever the deletes sent would arrive before this put's event.
            await PutAsync(minio, bucket, "written.txt");
            var first = await sandbox.NextMessageAsync(queue, "the event of the put");

            Assert.Equal("s3:ObjectCreated:Put", Body(first).GetProperty("EventName").GetString());
            Assert.Equal(0u, await sandbox.MessageCountAsync(queue));
        }

        [Fact]
        public async Task Should_announce_a_delete_of_a_key_that_existed()
        {
            var (bucket, queue) = await SubscribedBucketAsync(sandbox, "s3:ObjectRemoved:*");
            using var minio = sandbox.MinioClient();
            await PutAsync(minio, bucket, "old.pth");

            await minio.RemoveObjectAsync(new RemoveObjectArgs().WithBucket(bucket).WithObject("old.pth"));
            var removed = await sandbox.NextMessageAsync(queue, "the event of the delete");

            Assert.Equal("s3:ObjectRemoved:Delete", Body(removed).GetProperty("EventName").GetString());
        }

        [Fact]
        public async Task Should_carry_the_multipart_etag_in_the_complete_multipart_upload_event()
        {
            var (bucket, queue) = await SubscribedBucketAsync(sandbox, "s3:ObjectCreated:*");
            const int part = 5 * 1024 * 1024;
            var content = new byte[part + 4096];
            new Random(11).NextBytes(content);
            await File.WriteAllBytesAsync(_file, content);
            var boto = new Botocore(sandbox.S3Url, StorageSandbox.AccessKey, StorageSandbox.SecretKey);

            await boto.OkAsync("upload_file", new { bucket, key = "3/run/artifacts/model/data/model.pth", path = _file, threshold = part, chunk = part });
            var message = await sandbox.NextMessageAsync(queue, "the event of the multipart upload");

            var record = Body(message).GetProperty("Records")[0];
            Assert.Equal("s3:ObjectCreated:CompleteMultipartUpload", record.GetProperty("eventName").GetString());
            Assert.Equal(S3ETag.OfParts(content, part).Trim('"'), record.GetProperty("s3").GetProperty("object").GetProperty("eTag").GetString());
            Assert.Equal(content.Length, record.GetProperty("s3").GetProperty("object").GetProperty("size").GetInt64());
        }

        public void Dispose() => File.Delete(_file);
    }

    /// <summary>With <c>EventCopies</c> = 2 each event arrives twice, identical: consumers must be idempotent.</summary>
    public sealed class Duplicated(DuplicatingStorageSandbox sandbox) : IClassFixture<DuplicatingStorageSandbox>
    {
        [Fact]
        public async Task Should_deliver_each_event_twice_with_the_same_body()
        {
            var (bucket, queue) = await SubscribedBucketAsync(sandbox, "s3:ObjectCreated:*");
            using var minio = sandbox.MinioClient();

            await PutAsync(minio, bucket, "3/run/artifacts/model/MLmodel");
            var messages = await sandbox.DrainAsync(queue, 2, "two deliveries of the event");

            Assert.Equal(2, messages.Count);
            Assert.Equal(StorageSandbox.Text(messages[0]), StorageSandbox.Text(messages[1]));
            Assert.Equal("s3:ObjectCreated:Put", Body(messages[0]).GetProperty("EventName").GetString());
        }
    }

    /// <summary>With a shuffle window, events written close together leave in another order than they were written.</summary>
    public sealed class Shuffled(ShufflingStorageSandbox sandbox) : IClassFixture<ShufflingStorageSandbox>
    {
        [Fact]
        public async Task Should_deliver_every_event_but_not_in_write_order()
        {
            var (bucket, queue) = await SubscribedBucketAsync(sandbox, "s3:ObjectCreated:*");
            using var minio = sandbox.MinioClient();
            var keys = Enumerable.Range(1, 5).Select(i => $"3/run/artifacts/model/file-{i}").ToList();

            foreach (var key in keys)
                await PutAsync(minio, bucket, key);
            var messages = await sandbox.DrainAsync(queue, keys.Count, "the five events");
            var announced = messages.Select(m => Body(m).GetProperty("Key").GetString()![(bucket.Length + 1)..]).ToList();

            Assert.Equal(keys.Order(StringComparer.Ordinal), announced.Order(StringComparer.Ordinal));
            Assert.NotEqual(keys, announced);
        }
    }

    /// <summary>With a data directory, bucket notification configurations survive a sandbox restart.</summary>
    public sealed class Restarted : IDisposable
    {
        private readonly string _data = Directory.CreateTempSubdirectory("minio-data-").FullName;

        [Fact]
        public async Task Should_keep_the_configuration_and_the_objects_and_still_send_events()
        {
            string bucket;
            var first = new PersistentStorageSandbox(_data);
            try
            {
                await first.InitializeAsync();
                (bucket, _) = await SubscribedBucketAsync(first, "s3:ObjectCreated:*");
                using var minio = first.MinioClient();
                await PutAsync(minio, bucket, "before-restart.txt", "kept");
            }
            finally
            {
                await first.DisposeAsync();
            }

            var second = new PersistentStorageSandbox(_data);
            try
            {
                await second.InitializeAsync();
                await AssertKeptAsync(second, bucket);
            }
            finally
            {
                await second.DisposeAsync();
            }
        }

        private static async Task AssertKeptAsync(StorageSandbox second, string bucket)
        {
            using var again = second.MinioClient();
            var kept = await again.GetBucketNotificationsAsync(new GetBucketNotificationsArgs().WithBucket(bucket));
            var queue = await second.BindQueueAsync();
            await PutAsync(again, bucket, "after-restart.txt");
            var message = await second.NextMessageAsync(queue, "an event after the restart");
            var stat = await again.StatObjectAsync(new StatObjectArgs().WithBucket(bucket).WithObject("before-restart.txt"));

            Assert.Equal(StorageSandbox.Arn, Assert.Single(kept.QueueConfigs).Queue);
            Assert.Equal($"{bucket}/after-restart.txt", Body(message).GetProperty("Key").GetString());
            Assert.Equal(4, stat.Size);
        }

        public void Dispose() => Directory.Delete(_data, recursive: true);
    }
}
