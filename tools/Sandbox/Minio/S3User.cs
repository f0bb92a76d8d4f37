namespace Mlops.Sandbox.Minio;

/// <summary>An access key MinIO knows: the root user, or a user added by setting; a read-only one may only read.</summary>
public sealed record S3User(string AccessKey, string SecretKey, bool ReadOnly)
{
    /// <summary>Never the secret: records print as the key alone, so a user can be logged.</summary>
    public override string ToString() => ReadOnly ? $"{AccessKey} (read-only)" : AccessKey;
}
