using System.Text.Json.Serialization;

namespace Mlops.Contracts.Minio;

/// <summary>The bucket of an event record.</summary>
public sealed record MinioBucketEntity
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("ownerIdentity")]
    public MinioIdentity? OwnerIdentity { get; init; }

    [JsonPropertyName("arn")]
    public string? Arn { get; init; }
}
