using System.Text.Json.Serialization;

namespace Mlops.Contracts.Minio;

/// <summary>One S3 event record of a MinIO notification (the AWS S3 event message structure, version 2.0).</summary>
public sealed record MinioEventRecord
{
    [JsonPropertyName("eventVersion")]
    public string? EventVersion { get; init; }

    [JsonPropertyName("eventSource")]
    public string? EventSource { get; init; }

    [JsonPropertyName("awsRegion")]
    public string? AwsRegion { get; init; }

    [JsonPropertyName("eventTime")]
    public DateTimeOffset? EventTime { get; init; }

    [JsonPropertyName("eventName")]
    public required string EventName { get; init; }

    [JsonPropertyName("userIdentity")]
    public MinioIdentity? UserIdentity { get; init; }

    [JsonPropertyName("requestParameters")]
    public IReadOnlyDictionary<string, string>? RequestParameters { get; init; }

    [JsonPropertyName("responseElements")]
    public IReadOnlyDictionary<string, string>? ResponseElements { get; init; }

    [JsonPropertyName("s3")]
    public required MinioS3Entity S3 { get; init; }

    [JsonPropertyName("source")]
    public MinioEventSource? Source { get; init; }
}
