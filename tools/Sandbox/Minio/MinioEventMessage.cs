using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Minio;

/// <summary>
/// The AMQP message MinIO publishes for an object event: body <c>{"EventName", "Key", "Records"}</c> where the top-level
/// key is <c>bucket/unescaped key</c> and the record's <c>s3.object.key</c> stays URL-encoded, plus the headers
/// <c>minio-bucket</c> and <c>minio-event</c>.
/// </summary>
public sealed record MinioEventMessage(string Bucket, string Event, string Body)
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static MinioEventMessage For(ObjectChange change, MinioDeployment origin)
    {
        var record = Record(change, origin);
        var body = new JsonObject
        {
            ["EventName"] = change.EventName,
            ["Key"] = $"{change.Bucket}/{change.Key}",
            ["Records"] = new JsonArray(record),
        };
        return new MinioEventMessage(change.Bucket, change.EventName, body.ToJsonString(s_json));
    }

    // Field order and omissions follow MinIO's Go structs (omitempty on size, eTag, contentType, userMetadata);
    // Go sorts map keys, so requestParameters, responseElements and userMetadata are sorted too.
    private static JsonObject Record(ObjectChange change, MinioDeployment origin)
    {
        var sequencer = Hex(change.Time);
        var @object = new JsonObject { ["key"] = QueryEscape(change.Key) };
        if (change.Size != 0)
            @object["size"] = change.Size;
        if (change.ETag.Length > 0)
            @object["eTag"] = change.ETag;
        if (change.ContentType.Length > 0)
            @object["contentType"] = change.ContentType;
        if (change.UserMetadata.Count > 0)
        {
            var metadata = new JsonObject();
            foreach (var (key, value) in change.UserMetadata.OrderBy(m => m.Key, StringComparer.Ordinal))
                metadata[key] = value;
            @object["userMetadata"] = metadata;
        }
        @object["sequencer"] = sequencer;

        return new JsonObject
        {
            ["eventVersion"] = "2.0",
            ["eventSource"] = "minio:s3",
            ["awsRegion"] = origin.Region,
            ["eventTime"] = change.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["eventName"] = change.EventName,
            ["userIdentity"] = new JsonObject { ["principalId"] = change.PrincipalId },
            ["requestParameters"] = new JsonObject
            {
                ["principalId"] = change.PrincipalId,
                ["region"] = origin.Region,
                ["sourceIPAddress"] = change.SourceIp,
            },
            ["responseElements"] = new JsonObject
            {
                ["x-amz-id-2"] = origin.NodeId,
                ["x-amz-request-id"] = change.RequestId,
                ["x-minio-deployment-id"] = origin.DeploymentId,
                ["x-minio-origin-endpoint"] = change.Endpoint,
            },
            ["s3"] = new JsonObject
            {
                ["s3SchemaVersion"] = "1.0",
                ["configurationId"] = "Config",
                ["bucket"] = new JsonObject
                {
                    ["name"] = change.Bucket,
                    ["ownerIdentity"] = new JsonObject { ["principalId"] = change.PrincipalId },
                    ["arn"] = $"arn:aws:s3:::{change.Bucket}",
                },
                ["object"] = @object,
            },
            ["source"] = new JsonObject
            {
                ["host"] = change.SourceIp,
                ["port"] = "",
                ["userAgent"] = change.UserAgent,
            },
        };
    }

    /// <summary>MinIO's request ids and sequencers: the time in nanoseconds as upper-case hex.</summary>
    public static string Hex(DateTimeOffset time) =>
        ((time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100).ToString("X", CultureInfo.InvariantCulture);

    /// <summary>Go's <c>url.QueryEscape</c>: unreserved characters stay, a space becomes <c>+</c>, the rest <c>%XX</c> (so <c>/</c> is <c>%2F</c>).</summary>
    public static string QueryEscape(string text)
    {
        var escaped = new StringBuilder(text.Length * 2);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
                escaped.Append(c);
            else if (c == ' ')
                escaped.Append('+');
            else
                escaped.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return escaped.ToString();
    }
}
