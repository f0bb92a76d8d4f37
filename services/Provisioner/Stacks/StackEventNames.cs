namespace Mlops.Provisioner.Stacks;

/// <summary>The event names a stack file may use: MinIO's bucket events and MLflow 3's webhook events.</summary>
public static class StackEventNames
{
    /// <summary>MinIO's bucket notification event types (docs: "Bucket Notifications", supported event types).</summary>
    public static readonly IReadOnlySet<string> Minio = new HashSet<string>(StringComparer.Ordinal)
    {
        "s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Post", "s3:ObjectCreated:Copy",
        "s3:ObjectCreated:CompleteMultipartUpload", "s3:ObjectCreated:PutRetention", "s3:ObjectCreated:PutLegalHold",
        "s3:ObjectCreated:PutTagging", "s3:ObjectCreated:DeleteTagging",
        "s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated", "s3:ObjectRemoved:NoOP",
        "s3:ObjectAccessed:*", "s3:ObjectAccessed:Get", "s3:ObjectAccessed:Head", "s3:ObjectAccessed:GetRetention",
        "s3:ObjectAccessed:GetLegalHold", "s3:ObjectAccessed:Attributes",
        "s3:ObjectRestore:*", "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed",
        "s3:ObjectTransition:*", "s3:ObjectTransition:Failed", "s3:ObjectTransition:Complete",
        "s3:Replication:*", "s3:Scanner:ManyVersions", "s3:Scanner:BigPrefix",
    };

    /// <summary>MLflow 3's webhook events, as <c>entity.action</c>.</summary>
    public static readonly IReadOnlySet<string> MlflowWebhook = new HashSet<string>(StringComparer.Ordinal)
    {
        "registered_model.created", "model_version.created", "model_version_tag.set", "model_version_tag.deleted",
        "model_version_alias.created", "model_version_alias.deleted",
    };
}
