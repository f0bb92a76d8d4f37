using Minio;
using Minio.DataModel;

namespace Mlops.Clients.Minio;

/// <summary>
/// The product's MinIO operations over the Minio SDK, signed with the <c>Minio</c> section's keys. "Not found" is null;
/// other failures are the SDK's exceptions, unchanged.
/// </summary>
public interface IMinioStorage
{
    /// <summary>The SDK client itself, with the same keys and resilience, for what this interface does not cover.</summary>
    IMinioClient Client { get; }

    /// <summary>Makes the bucket unless it exists; true when this call made it.</summary>
    Task<bool> EnsureBucketAsync(string bucket, CancellationToken cancellationToken = default);

    /// <summary>The bucket's queue subscriptions, every target's.</summary>
    Task<IReadOnlyList<BucketQueueSubscription>> GetQueueSubscriptionsAsync(string bucket, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="subscription"/> into the bucket's notification configuration, replacing the configurations
    /// with its id or its ARN and keeping every other target's (and any topic or lambda configuration) as it was.
    /// A server without the target refuses it (400 <c>InvalidArgument</c>: the ARN does not exist).
    /// </summary>
    Task SubscribeAsync(string bucket, BucketQueueSubscription subscription, CancellationToken cancellationToken = default);

    /// <summary>The object's size, ETag, content type and metadata; null when it does not exist.</summary>
    Task<ObjectStat?> StatObjectAsync(string bucket, string key, CancellationToken cancellationToken = default);

    /// <summary>The object's bytes; null when it does not exist; <see cref="MinioObjectTooLargeException"/> past <paramref name="maxBytes"/>.</summary>
    Task<byte[]?> ReadObjectAsync(string bucket, string key, long maxBytes, CancellationToken cancellationToken = default);

    /// <summary>The object as UTF-8 text, under the same rules as <see cref="ReadObjectAsync"/>.</summary>
    Task<string?> ReadObjectTextAsync(string bucket, string key, long maxBytes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Signs one cheap request (a listing of <paramref name="bucket"/>) with the GIVEN keys and tells what the server
    /// made of them: valid, wrong secret, unknown key, not allowed, or no answer.
    /// </summary>
    Task<MinioKeyProbe> ProbeKeysAsync(string accessKey, string secretKey, string bucket, CancellationToken cancellationToken = default);
}
