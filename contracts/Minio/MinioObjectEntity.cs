using System.Text.Json.Serialization;

namespace Mlops.Contracts.Minio;

/// <summary>The object of an event record. <see cref="Key"/> stays URL-encoded as MinIO sends it.</summary>
public sealed record MinioObjectEntity
{
    [JsonPropertyName("key")]
    public required string Key { get; init; }

    [JsonPropertyName("size")]
    public long Size { get; init; }

    /// <summary>Ends in <c>-&lt;parts&gt;</c> for a multipart upload.</summary>
    [JsonPropertyName("eTag")]
    public string? ETag { get; init; }

    [JsonPropertyName("contentType")]
    public string? ContentType { get; init; }

    [JsonPropertyName("userMetadata")]
    public IReadOnlyDictionary<string, string>? UserMetadata { get; init; }

    [JsonPropertyName("versionId")]
    public string? VersionId { get; init; }

    [JsonPropertyName("sequencer")]
    public string? Sequencer { get; init; }
}
