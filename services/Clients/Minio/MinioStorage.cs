using System.Text;
using Minio;
using Minio.DataModel;
using Minio.DataModel.Args;
using Minio.DataModel.Notification;
using Minio.Exceptions;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Mlops.Clients.Minio;

/// <summary><see cref="IMinioStorage"/> over the Minio SDK's argument-builder API; requests go through the <c>minio</c> resilience pipeline.</summary>
public sealed class MinioStorage : IMinioStorage, IDisposable
{
    // Listing a prefix nothing uses costs the server one index lookup, whatever the bucket holds.
    private const string ProbePrefix = "mlops-key-probe/";

    private readonly MinioClientOptions _options;
    private readonly Func<HttpClient> _http;

    public MinioStorage(MinioClientOptions options, Func<HttpClient> http)
    {
        _options = options;
        _http = http;
        Client = Build(options.AccessKey!, options.SecretKey!);
    }

    public IMinioClient Client { get; }

    public async Task<bool> EnsureBucketAsync(string bucket, CancellationToken cancellationToken = default)
    {
        RequireBucket(bucket);
        if (await Client.BucketExistsAsync(new BucketExistsArgs().WithBucket(bucket), cancellationToken))
            return false;
        try
        {
            await Client.MakeBucketAsync(new MakeBucketArgs().WithBucket(bucket).WithLocation(_options.Region), cancellationToken);
            return true;
        }
        catch (ArgumentException ex) when (ex.Message.Contains("already owned by you", StringComparison.OrdinalIgnoreCase))
        {
            // Another replica made it between our check and our create; the SDK reports BucketAlreadyOwnedByYou so.
            return false;
        }
    }

    public async Task<IReadOnlyList<BucketQueueSubscription>> GetQueueSubscriptionsAsync(string bucket, CancellationToken cancellationToken = default)
    {
        RequireBucket(bucket);
        var current = await Client.GetBucketNotificationsAsync(new GetBucketNotificationsArgs().WithBucket(bucket), cancellationToken);
        return (current.QueueConfigs ?? []).Select(Subscription).ToList();
    }

    public async Task SubscribeAsync(string bucket, BucketQueueSubscription subscription, CancellationToken cancellationToken = default)
    {
        RequireBucket(bucket);
        ArgumentNullException.ThrowIfNull(subscription);
        if (string.IsNullOrWhiteSpace(subscription.Arn) || subscription.Events.Count == 0)
            throw new ArgumentException("A subscription needs the target's ARN and at least one event.", nameof(subscription));
        var current = await Client.GetBucketNotificationsAsync(new GetBucketNotificationsArgs().WithBucket(bucket), cancellationToken);
        var merged = new BucketNotification();
        foreach (var queue in current.QueueConfigs ?? [])
        {
            var ours = queue.Queue == subscription.Arn || (subscription.Id.Length > 0 && queue.Id == subscription.Id);
            if (!ours)
                merged.AddQueue(queue);
        }
        foreach (var topic in current.TopicConfigs ?? [])
            merged.AddTopic(topic);
        foreach (var lambda in current.LambdaConfigs ?? [])
            merged.AddLambda(lambda);
        merged.AddQueue(QueueConfigOf(subscription));
        await Client.SetBucketNotificationsAsync(new SetBucketNotificationsArgs().WithBucket(bucket).WithBucketNotificationConfiguration(merged), cancellationToken);
    }

    public async Task<ObjectStat?> StatObjectAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        RequireBucket(bucket);
        ArgumentException.ThrowIfNullOrEmpty(key);
        try
        {
            return await SdkReadable(() => Client.StatObjectAsync(new StatObjectArgs().WithBucket(bucket).WithObject(key), cancellationToken), "HEAD", bucket, key);
        }
        catch (Exception ex) when (ex is ObjectNotFoundException or BucketNotFoundException)
        {
            return null;
        }
    }

    public async Task<byte[]?> ReadObjectAsync(string bucket, string key, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        RequireBucket(bucket);
        ArgumentException.ThrowIfNullOrEmpty(key);
        // The SDK stats the object before its GET (and answers a missing one from that stat), so no stat of our own: the
        // bound is kept while the body streams in, the stat's size being no promise about the body that follows.
        using var buffer = new MemoryStream();
        try
        {
            await SdkReadable(() => Client.GetObjectAsync(new GetObjectArgs().WithBucket(bucket).WithObject(key).WithCallbackStream(async (stream, token) =>
            {
                var chunk = new byte[81920];
                int read;
                while ((read = await stream.ReadAsync(chunk, token)) > 0)
                {
                    if (buffer.Length + read > maxBytes)
                        throw new MinioObjectTooLargeException(bucket, key, -1, maxBytes);
                    buffer.Write(chunk, 0, read);
                }
            }), cancellationToken), "GET", bucket, key);
        }
        catch (Exception ex) when (ex is ObjectNotFoundException or BucketNotFoundException)
        {
            return null;
        }
        return buffer.ToArray();
    }

    public async Task<string?> ReadObjectTextAsync(string bucket, string key, long maxBytes, CancellationToken cancellationToken = default) =>
        await ReadObjectAsync(bucket, key, maxBytes, cancellationToken) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    public async Task<MinioKeyProbe> ProbeKeysAsync(string accessKey, string secretKey, string bucket, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accessKey);
        ArgumentException.ThrowIfNullOrEmpty(secretKey);
        RequireBucket(bucket);
        using var probe = Build(accessKey, secretKey);
        var who = $"access key '{accessKey}' on {_options.Endpoint}";
        MinioKeyProbe result;
        try
        {
            await foreach (var _ in probe.ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(bucket).WithPrefix(ProbePrefix), cancellationToken))
                break;
            result = new(MinioKeyProbeOutcome.Accepted, $"{who}: accepted, may list bucket {bucket}");
        }
        catch (BucketNotFoundException)
        {
            result = new(MinioKeyProbeOutcome.Accepted, $"{who}: accepted, but bucket {bucket} does not exist");
        }
        catch (AuthorizationException ex)
        {
            // The SDK keeps only S3's message for these two codes; S3 and MinIO word them the same fixed way.
            result = ex.Message.Contains("signature", StringComparison.OrdinalIgnoreCase)
                ? new(MinioKeyProbeOutcome.SignatureDoesNotMatch, $"{who}: the secret key is wrong (SignatureDoesNotMatch)")
                : new(MinioKeyProbeOutcome.InvalidAccessKeyId, $"{who}: the server knows no such access key (InvalidAccessKeyId)");
        }
        catch (MinioException ex) when (ex.Response?.Code is { } code && Classified(code) is { } outcome)
        {
            result = new(outcome, $"{who}: {code}");
        }
        catch (Exception ex) when (ex is AccessDeniedException or ForbiddenException)
        {
            result = new(MinioKeyProbeOutcome.AccessDenied, $"{who}: valid, but not allowed to list bucket {bucket} (AccessDenied)");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is HttpRequestException or IOException or ConnectionException
                                       or TimeoutRejectedException or BrokenCircuitException or InternalServerException or TaskCanceledException)
        {
            result = new(MinioKeyProbeOutcome.Unreachable, $"{who}: no answer ({ex.GetType().Name}: {ex.Message})");
        }
        // Belt and braces: whatever a server or the SDK put into a message, the secret does not leave here.
        return result with { Reason = result.Reason.Replace(secretKey, "***", StringComparison.Ordinal) };
    }

    public void Dispose() => Client.Dispose();

    // Minio SDK 7.0.0 fails with a NullReferenceException while reading a 5xx answer that has no body (a HEAD, a
    // proxy's empty 503). That is an outside system failing, not a defect of the caller: it is reported as the
    // transport error it is, so the shared rule retries it instead of sending the message to the error queue.
    private static async Task<T> SdkReadable<T>(Func<Task<T>> call, string method, string bucket, string key)
    {
        try
        {
            return await call();
        }
        catch (NullReferenceException ex) when (ex.TargetSite?.DeclaringType?.Assembly == typeof(MinioClient).Assembly)
        {
            throw new HttpRequestException($"MinIO answered {method} s3://{bucket}/{key} with an error the Minio SDK could not read.", ex);
        }
    }

    private static MinioKeyProbeOutcome? Classified(string code) => code switch
    {
        "SignatureDoesNotMatch" => MinioKeyProbeOutcome.SignatureDoesNotMatch,
        "InvalidAccessKeyId" => MinioKeyProbeOutcome.InvalidAccessKeyId,
        "AccessDenied" => MinioKeyProbeOutcome.AccessDenied,
        _ => null,
    };

    private IMinioClient Build(string accessKey, string secretKey)
    {
        var endpoint = _options.Endpoint!;
        return new MinioClient()
            .WithEndpoint(endpoint.Host, endpoint.Port)
            .WithCredentials(accessKey, secretKey)
            .WithRegion(_options.Region)
            .WithSSL(_options.UseSsl)
            .WithHttpClient(_http(), disposeHttpClient: false)
            .Build();
    }

    private static BucketQueueSubscription Subscription(QueueConfig queue)
    {
        var rules = queue.Filter?.S3Key?.FilterRules ?? [];
        return new BucketQueueSubscription(
            queue.Id ?? "",
            queue.Queue ?? "",
            (queue.Events ?? []).Select(e => e.Value).ToList(),
            rules.FirstOrDefault(r => string.Equals(r.Name, "prefix", StringComparison.OrdinalIgnoreCase))?.Value,
            rules.FirstOrDefault(r => string.Equals(r.Name, "suffix", StringComparison.OrdinalIgnoreCase))?.Value);
    }

    private static QueueConfig QueueConfigOf(BucketQueueSubscription subscription)
    {
        var queue = new QueueConfig(subscription.Arn) { Id = subscription.Id };
        queue.AddEvents(subscription.Events.Select(e => new EventType(e)).ToList());
        if (!string.IsNullOrEmpty(subscription.Prefix))
            queue.AddFilterPrefix(subscription.Prefix);
        if (!string.IsNullOrEmpty(subscription.Suffix))
            queue.AddFilterSuffix(subscription.Suffix);
        return queue;
    }

    private static void RequireBucket(string bucket) => ArgumentException.ThrowIfNullOrWhiteSpace(bucket);
}
