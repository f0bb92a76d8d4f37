namespace Mlops.Contracts.Minio;

/// <summary>One object a MinIO event is about: what happened, where, and the decoded key.</summary>
public sealed record MinioObjectEvent(string EventName, string BucketName, string ObjectKey, long Size, string? ETag)
{
    /// <summary>True for every <c>s3:ObjectCreated:*</c> event.</summary>
    public bool IsCreated => EventName.StartsWith("s3:ObjectCreated:", StringComparison.Ordinal);

    /// <summary>True for every <c>s3:ObjectRemoved:*</c> event.</summary>
    public bool IsRemoved => EventName.StartsWith("s3:ObjectRemoved:", StringComparison.Ordinal);
}
