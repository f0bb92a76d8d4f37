using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mlops.Contracts.Minio;

/// <summary>
/// The JSON body MinIO publishes to its AMQP target for a bucket event. Not a MassTransit message:
/// it arrives raw, at least once, from the exchange MinIO declares.
/// </summary>
public sealed record MinioEventNotification
{
    /// <summary>For example <c>s3:ObjectCreated:Put</c>.</summary>
    [JsonPropertyName("EventName")]
    public required string EventName { get; init; }

    /// <summary><c>&lt;bucket&gt;/&lt;object key&gt;</c>, not URL-encoded.</summary>
    [JsonPropertyName("Key")]
    public required string Key { get; init; }

    [JsonPropertyName("Records")]
    public IReadOnlyList<MinioEventRecord> Records { get; init; } = [];

    private static readonly JsonSerializerOptions Options = new() { RespectNullableAnnotations = true };

    /// <summary>Reads a message body; throws <see cref="FormatException"/> saying what is wrong with it.</summary>
    public static MinioEventNotification Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            var notification = JsonSerializer.Deserialize<MinioEventNotification>(body, Options)
                ?? throw new FormatException("MinIO event body is JSON null.");
            if (notification.Problem() is { } problem)
                throw new FormatException(problem);
            return notification;
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Not a MinIO event body: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Why the notification cannot be read, or null: no records, or a record without its event name, bucket or object key.
    /// A deserialiser leaves these null when the JSON says null, whatever the declared types promise.
    /// </summary>
    public string? Problem()
    {
        if (Records is null || Records.Count == 0)
            return $"MinIO event {EventName} for '{Key}' has no Records.";
        if (Records.Any(r => r?.EventName is null || r.S3?.Bucket?.Name is null || r.S3.Object?.Key is null))
            return $"MinIO event {EventName} for '{Key}' has a record without its eventName, s3.bucket.name or s3.object.key.";
        return null;
    }

    /// <summary>Each object the event is about, with its bucket and its key decoded.</summary>
    public IEnumerable<MinioObjectEvent> Objects() =>
        Records.Select(r => new MinioObjectEvent(
            r.EventName,
            r.S3.Bucket.Name,
            DecodeKey(r.S3.Object.Key),
            r.S3.Object.Size,
            r.S3.Object.ETag));

    /// <summary>
    /// MinIO URL-encodes the record key as a query value: <c>+</c> and <c>%20</c> are spaces,
    /// <c>%2F</c> is <c>/</c>, and a literal plus arrives as <c>%2B</c>.
    /// </summary>
    public static string DecodeKey(string encodedKey) => WebUtility.UrlDecode(encodedKey);
}
