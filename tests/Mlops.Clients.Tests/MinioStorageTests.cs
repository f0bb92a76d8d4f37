using System.Text;
using Minio.DataModel.Args;
using Minio.Exceptions;
using Mlops.Clients.Minio;
using Mlops.Sandbox.Faults;

namespace Mlops.Clients.Tests;

/// <summary>The MinIO adapter against the sandbox's MinIO (s3rver behind MinIO's notification API), through the Minio SDK.</summary>
public sealed class MinioStorageTests(ClientsSandbox sandbox) : IClassFixture<ClientsSandbox>, IAsyncLifetime
{
    private ClientHost _host = null!;

    private IMinioStorage Storage => _host.Get<IMinioStorage>();

    public async Task InitializeAsync() => _host = await ClientHost.StartAsync(sandbox.Settings(new Dictionary<string, string?>
    {
        ["Minio:Resilience:RetryDelay"] = "00:00:00.020",
        ["Minio:Resilience:MaxRetryAttempts"] = "6",
    }), b => b.AddMinioClient());

    public async Task DisposeAsync()
    {
        sandbox.Host.Faults.ClearAll();
        await _host.DisposeAsync();
    }

    private static string NewBucket() => $"b-{Guid.NewGuid():N}"[..20];

    private async Task PutAsync(string bucket, string key, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        using var body = new MemoryStream(bytes);
        await Storage.Client.PutObjectAsync(new PutObjectArgs().WithBucket(bucket).WithObject(key).WithStreamData(body).WithObjectSize(bytes.Length).WithContentType("text/yaml"));
    }

    [Fact]
    public async Task Should_make_a_bucket_once_and_find_it_made_after()
    {
        var bucket = NewBucket();

        Assert.True(await Storage.EnsureBucketAsync(bucket));
        Assert.False(await Storage.EnsureBucketAsync(bucket));
        Assert.True(await Storage.Client.BucketExistsAsync(new BucketExistsArgs().WithBucket(bucket)));
    }

    [Fact]
    public async Task Should_merge_our_subscription_into_the_bucket_and_keep_a_foreign_target_s()
    {
        var bucket = NewBucket();
        await Storage.EnsureBucketAsync(bucket);
        await Storage.SubscribeAsync(bucket, new BucketQueueSubscription("analytics", ClientsSandbox.ForeignArn, ["s3:ObjectCreated:Put"], Suffix: ".csv"));

        await Storage.SubscribeAsync(bucket, new BucketQueueSubscription("mlops", ClientsSandbox.Arn, ["s3:ObjectCreated:*"], Suffix: "MLmodel"));
        await Storage.SubscribeAsync(bucket, new BucketQueueSubscription("mlops", ClientsSandbox.Arn, ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"], Prefix: "3/", Suffix: "MLmodel"));

        var subscriptions = await Storage.GetQueueSubscriptionsAsync(bucket);
        Assert.Equal(2, subscriptions.Count);
        var foreign = subscriptions.Single(s => s.Arn == ClientsSandbox.ForeignArn);
        Assert.Equal(("analytics", ".csv"), (foreign.Id, foreign.Suffix));
        Assert.Equal(["s3:ObjectCreated:Put"], foreign.Events);
        var ours = subscriptions.Single(s => s.Arn == ClientsSandbox.Arn);
        Assert.Equal(("mlops", "3/", "MLmodel"), (ours.Id, ours.Prefix, ours.Suffix));
        Assert.Equal(["s3:ObjectCreated:*", "s3:ObjectRemoved:*"], ours.Events);
        var notifications = sandbox.Host.StandIn<Sandbox.Minio.MinioStandIn>().Notifications.Get(bucket);
        Assert.Equal([ClientsSandbox.ForeignArn, ClientsSandbox.Arn], notifications.Select(q => q.Arn));
    }

    [Fact]
    public async Task Should_let_the_server_refuse_a_target_it_does_not_have_and_change_nothing()
    {
        var bucket = NewBucket();
        await Storage.EnsureBucketAsync(bucket);
        await Storage.SubscribeAsync(bucket, new BucketQueueSubscription("mlops", ClientsSandbox.Arn, ["s3:ObjectCreated:*"]));

        var refused = await Assert.ThrowsAsync<UnexpectedMinioException>(() =>
            Storage.SubscribeAsync(bucket, new BucketQueueSubscription("other", "arn:minio:sqs::MISSING:amqp", ["s3:ObjectCreated:*"])));

        Assert.Equal("InvalidArgument", refused.Response.Code);
        Assert.Equal([ClientsSandbox.Arn], (await Storage.GetQueueSubscriptionsAsync(bucket)).Select(s => s.Arn));
    }

    [Fact]
    public async Task Should_stat_and_read_an_object_within_a_bound_and_answer_null_when_it_is_missing()
    {
        var bucket = NewBucket();
        await Storage.EnsureBucketAsync(bucket);
        const string mlmodel = "artifact_path: model\nflavors:\n  pytorch:\n    model_data: data\n";
        await PutAsync(bucket, "3/run/artifacts/model/MLmodel", mlmodel);

        var stat = await Storage.StatObjectAsync(bucket, "3/run/artifacts/model/MLmodel");
        var text = await Storage.ReadObjectTextAsync(bucket, "3/run/artifacts/model/MLmodel", maxBytes: 4096);
        var bytes = await Storage.ReadObjectAsync(bucket, "3/run/artifacts/model/MLmodel", maxBytes: mlmodel.Length);

        Assert.Equal(mlmodel.Length, stat!.Size);
        Assert.Equal("text/yaml", stat.ContentType);
        Assert.Equal(mlmodel, text);
        Assert.Equal(mlmodel, Encoding.UTF8.GetString(bytes!));
        await Assert.ThrowsAsync<MinioObjectTooLargeException>(() => Storage.ReadObjectAsync(bucket, "3/run/artifacts/model/MLmodel", maxBytes: 10));
        Assert.Null(await Storage.StatObjectAsync(bucket, "3/run/artifacts/model/missing"));
        Assert.Null(await Storage.ReadObjectTextAsync(bucket, "3/run/artifacts/model/missing", 4096));
        Assert.Null(await Storage.ReadObjectTextAsync(NewBucket(), "anything", 4096));
    }

    [Fact]
    public async Task Should_read_an_object_with_the_SDKs_GetObject_alone_and_no_stat_of_its_own()
    {
        // The promoter reads MLmodel and the input example of every version it serves: a stat of ours before each read added one.
        var bucket = NewBucket();
        await Storage.EnsureBucketAsync(bucket);
        await PutAsync(bucket, "model/MLmodel", "flavors: {}\n");
        var before = sandbox.Host.Requests.Snapshot("s3").Count;

        Assert.Equal("flavors: {}\n", await Storage.ReadObjectTextAsync(bucket, "model/MLmodel", 4096));
        Assert.Null(await Storage.ReadObjectTextAsync(bucket, "model/input_example.json", 4096));

        var requests = sandbox.Host.Requests.Snapshot("s3").Skip(before).Where(r => r.Namespace == bucket).ToList();
        // The SDK's own stat before its GET is all: a missing object is answered by that stat.
        Assert.Equal(["head model/MLmodel", "get model/MLmodel", "head model/input_example.json"],
            requests.Where(r => r.Name is not null).Select(r => $"{r.Verb} {r.Name}"));
    }

    [Fact]
    public async Task Should_retry_a_burst_of_slow_downs_on_object_reads()
    {
        var bucket = NewBucket();
        await Storage.EnsureBucketAsync(bucket);
        await PutAsync(bucket, "model/MLmodel", "flavors: {}\n");
        sandbox.Host.Faults.Seed(5);
        sandbox.Host.Faults.Set("s3", "object", new FaultRule { ErrorRate = 0.3, StatusCodes = [503] });

        for (var i = 0; i < 5; i++)
            Assert.Equal("flavors: {}\n", await Storage.ReadObjectTextAsync(bucket, "model/MLmodel", 1024));

        Assert.Contains(sandbox.Host.Requests.Snapshot("s3"), r => r.Namespace == bucket && r.Fault is not null && r.StatusCode == 503);
    }

    [Fact]
    public async Task Should_report_a_failed_head_as_a_transport_error_the_shared_rule_retries()
    {
        await using var host = await ClientHost.StartAsync(sandbox.Settings(new Dictionary<string, string?> { ["Minio:Resilience:MaxRetryAttempts"] = "0" }), b => b.AddMinioClient());
        var bucket = NewBucket();
        await Storage.EnsureBucketAsync(bucket);
        sandbox.Host.Faults.Set("s3", "object", new FaultRule { ErrorRate = 1, StatusCodes = [503] });

        var failed = await Assert.ThrowsAsync<HttpRequestException>(() => host.Get<IMinioStorage>().StatObjectAsync(bucket, "model/MLmodel"));

        Assert.Null(failed.StatusCode);
        Assert.Contains($"s3://{bucket}/model/MLmodel", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_accept_valid_keys_also_when_the_bucket_is_missing()
    {
        var bucket = NewBucket();
        await Storage.EnsureBucketAsync(bucket);

        var valid = await Storage.ProbeKeysAsync(ClientsSandbox.AccessKey, ClientsSandbox.SecretKey, bucket);
        var noBucket = await Storage.ProbeKeysAsync(ClientsSandbox.AccessKey, ClientsSandbox.SecretKey, NewBucket());

        Assert.Equal(MinioKeyProbeOutcome.Accepted, valid.Outcome);
        Assert.Equal(MinioKeyProbeOutcome.Accepted, noBucket.Outcome);
        Assert.Contains("does not exist", noBucket.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_tell_an_unknown_access_key_and_keep_the_secret_out_of_the_reason()
    {
        var bucket = NewBucket();
        await Storage.EnsureBucketAsync(bucket);

        var unknown = await Storage.ProbeKeysAsync("nobody", "s3cr3t-value", bucket);

        Assert.Equal(MinioKeyProbeOutcome.InvalidAccessKeyId, unknown.Outcome);
        Assert.Contains("nobody", unknown.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", unknown.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_tell_a_wrong_secret_from_an_unknown_key()
    {
        var bucket = NewBucket();
        await Storage.EnsureBucketAsync(bucket);

        var wrongSecret = await Storage.ProbeKeysAsync(ClientsSandbox.AccessKey, "not-the-secret", bucket);

        Assert.Equal(MinioKeyProbeOutcome.SignatureDoesNotMatch, wrongSecret.Outcome);
        Assert.DoesNotContain("not-the-secret", wrongSecret.Reason, StringComparison.Ordinal);
    }
}
