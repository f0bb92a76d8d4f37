using System.Text.Json.Serialization;

namespace Mlops.Contracts.Minio;

/// <summary>The <c>s3</c> part of an event record: which bucket and which object.</summary>
public sealed record MinioS3Entity
{
    [JsonPropertyName("s3SchemaVersion")]
    public string? S3SchemaVersion { get; init; }

    [JsonPropertyName("configurationId")]
    public string? ConfigurationId { get; init; }

    [JsonPropertyName("bucket")]
    public required MinioBucketEntity Bucket { get; init; }

    [JsonPropertyName("object")]
    public required MinioObjectEntity Object { get; init; }
}
