namespace Mlops.Clients.Minio;

/// <summary>
/// One <c>QueueConfiguration</c> of a bucket: events on keys matching the prefix and suffix go to the target
/// <paramref name="Arn"/> (<c>arn:minio:sqs::&lt;ID&gt;:amqp</c>).
/// </summary>
public sealed record BucketQueueSubscription(string Id, string Arn, IReadOnlyList<string> Events, string? Prefix = null, string? Suffix = null);
