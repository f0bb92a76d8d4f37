using System.Text.Json.Serialization;

namespace Mlops.Contracts.Minio;

/// <summary>A principal named in an event record.</summary>
public sealed record MinioIdentity
{
    [JsonPropertyName("principalId")]
    public string? PrincipalId { get; init; }
}
