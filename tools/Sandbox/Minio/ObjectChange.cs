namespace Mlops.Sandbox.Minio;

/// <summary>A completed object operation that MinIO would announce: what happened to which object, and who asked.</summary>
public sealed record ObjectChange
{
    public required string EventName { get; init; }

    public required string Bucket { get; init; }

    /// <summary>The object key as stored, not URL-encoded.</summary>
    public required string Key { get; init; }

    public long Size { get; init; }

    /// <summary>Without quotes, as in MinIO's event.</summary>
    public string ETag { get; init; } = "";

    public string ContentType { get; init; } = "";

    public IReadOnlyDictionary<string, string> UserMetadata { get; init; } = new Dictionary<string, string>();

    public string PrincipalId { get; init; } = "";

    public string SourceIp { get; init; } = "";

    public string UserAgent { get; init; } = "";

    public required string RequestId { get; init; }

    /// <summary>The URL the request came to, MinIO's <c>x-minio-origin-endpoint</c>.</summary>
    public required string Endpoint { get; init; }

    public required DateTimeOffset Time { get; init; }
}
