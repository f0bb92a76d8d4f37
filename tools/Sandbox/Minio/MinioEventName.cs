namespace Mlops.Sandbox.Minio;

/// <summary>The S3 event names MinIO publishes for object changes, and the wildcard matching of subscriptions.</summary>
public static class MinioEventName
{
    public const string ObjectCreatedPut = "s3:ObjectCreated:Put";
    public const string ObjectCreatedCopy = "s3:ObjectCreated:Copy";
    public const string ObjectCreatedCompleteMultipartUpload = "s3:ObjectCreated:CompleteMultipartUpload";
    public const string ObjectCreatedPost = "s3:ObjectCreated:Post";
    public const string ObjectRemovedDelete = "s3:ObjectRemoved:Delete";

    /// <summary>Names a subscription may give; MinIO knows more (access, replication …) that this stand-in never sends.</summary>
    private static readonly HashSet<string> s_known = new(StringComparer.Ordinal)
    {
        "s3:ObjectCreated:*", ObjectCreatedPut, ObjectCreatedCopy, ObjectCreatedCompleteMultipartUpload, ObjectCreatedPost,
        "s3:ObjectCreated:PutTagging", "s3:ObjectCreated:DeleteTagging", "s3:ObjectCreated:PutRetention", "s3:ObjectCreated:PutLegalHold",
        "s3:ObjectRemoved:*", ObjectRemovedDelete, "s3:ObjectRemoved:DeleteMarkerCreated", "s3:ObjectRemoved:NoOP", "s3:ObjectRemoved:DeleteAllVersions",
        "s3:ObjectAccessed:*", "s3:ObjectAccessed:Get", "s3:ObjectAccessed:Head", "s3:ObjectAccessed:GetRetention",
        "s3:ObjectAccessed:GetLegalHold", "s3:ObjectAccessed:Attributes", "s3:BucketCreated:*", "s3:BucketRemoved:*",
        "s3:Replication:*", "s3:ObjectRestore:*", "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed",
        "s3:ObjectTransition:*", "s3:ObjectTransition:Failed", "s3:ObjectTransition:Complete",
    };

    public static bool IsKnown(string name) => s_known.Contains(name);

    /// <summary>True when <paramref name="subscribed"/> (e.g. <c>s3:ObjectCreated:*</c>) covers <paramref name="eventName"/>.</summary>
    public static bool Covers(string subscribed, string eventName) =>
        subscribed == eventName
        || (subscribed.EndsWith(":*", StringComparison.Ordinal) && eventName.StartsWith(subscribed[..^1], StringComparison.Ordinal));
}
