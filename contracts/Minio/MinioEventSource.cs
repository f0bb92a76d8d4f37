using System.Text.Json.Serialization;

namespace Mlops.Contracts.Minio;

/// <summary>The client that caused an event.</summary>
public sealed record MinioEventSource
{
    [JsonPropertyName("host")]
    public string? Host { get; init; }

    [JsonPropertyName("port")]
    public string? Port { get; init; }

    [JsonPropertyName("userAgent")]
    public string? UserAgent { get; init; }
}
