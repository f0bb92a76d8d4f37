using System.Net;
using System.Text;
using System.Text.Json;
using CsCheck;
using Mlops.Contracts.Minio;
using Mlops.ModelPromoter.Triggers.Minio;

namespace Mlops.Hostile.Tests.Properties;

/// <summary>
/// MinIO's bucket events, as any publisher on the exchange could send them: the parser refuses what is not an event with
/// its <see cref="FormatException"/> and nothing else, and what it accepts reads back as it was sent; object keys that
/// leave MLflow's layout never become ids.
/// </summary>
public sealed class When_MinIO_event_bodies_are_arbitrary
{
    private const long Runs = 300;

    private static readonly string[] Names =
    [
        "EventName", "Key", "Records", "eventVersion", "eventSource", "eventTime", "eventName", "s3", "bucket", "object", "name", "key",
        "size", "eTag", "userMetadata", "requestParameters", "s3SchemaVersion", "configurationId", "sequencer", "source", "host",
    ];

    [Fact]
    public void Should_refuse_arbitrary_bytes_only_with_a_FormatException() =>
        Gen.Byte.Array[0, 200].Sample(body => ParsedOrRefused(body), iter: Runs);

    [Fact]
    public void Should_refuse_arbitrary_JSON_only_with_a_FormatException_and_accept_only_events_it_can_read() =>
        JsonShapes.Document(Names).Sample(body => ParsedOrRefused(Encoding.UTF8.GetBytes(body)), iter: Runs * 3);

    [Theory]
    [InlineData("{\"EventName\":\"s3:ObjectCreated:Put\",\"Key\":\"mlflow/x\",\"Records\":[null]}")]
    [InlineData("{\"EventName\":\"s3:ObjectCreated:Put\",\"Key\":\"mlflow/x\",\"Records\":null}")]
    [InlineData("{\"EventName\":\"s3:ObjectCreated:Put\",\"Key\":\"mlflow/x\",\"Records\":[{\"eventName\":\"s3:ObjectCreated:Put\",\"s3\":null}]}")]
    [InlineData("{\"EventName\":7,\"Key\":\"mlflow/x\",\"Records\":[]}")]
    [InlineData("{\"EventName\":\"\\uD800\",\"Key\":\"mlflow/x\"}")]
    public void Should_refuse_a_body_with_null_or_mistyped_parts_with_a_FormatException(string body) =>
        Assert.Throws<FormatException>(() => MinioEventNotification.Parse(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void Should_read_back_the_bucket_the_event_and_the_decoded_key_of_an_event_it_accepts()
    {
        var gen = from bucket in Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-."], 3, 20]
                  from key in HostileText.Any.Where(k => k.Length > 0 && !k.Any(char.IsSurrogate))
                  from created in Gen.Bool
                  from size in Gen.Long[0, long.MaxValue]
                  select (bucket, key, eventName: created ? "s3:ObjectCreated:Put" : "s3:ObjectRemoved:Delete", size);
        gen.Sample(e =>
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new
            {
                EventName = e.eventName,
                Key = $"{e.bucket}/{e.key}",
                Records = new[]
                {
                    new
                    {
                        eventName = e.eventName,
                        // As Go's url.QueryEscape writes a key.
                        s3 = new { bucket = new { name = e.bucket }, @object = new { key = WebUtility.UrlEncode(e.key), size = e.size } },
                    },
                },
            });
            var read = Assert.Single(MinioEventNotification.Parse(body).Objects());
            Assert.Equal(new MinioObjectEvent(e.eventName, e.bucket, e.key, e.size, null), read);
            Assert.Equal(e.eventName.StartsWith("s3:ObjectCreated:", StringComparison.Ordinal), read.IsCreated);
        }, iter: Runs);
    }

    [Fact]
    public void Should_give_ids_only_for_keys_inside_MLflows_layout()
    {
        var segment = Gen.Frequency(
            (3, Gen.OneOf<string>("0", "12", "artifacts", "models", "model", "MLmodel", "..", ".", "", "%2F", "%2e%2e", "m-0123456789abcdef0123456789abcdef",
                "6f1c2d9e4b7a4c0d9e8f7a6b5c4d3e2f", "a\\b", "x\u0000y")),
            (1, HostileText.Any));
        segment.Array[1, 7].Select(s => string.Join('/', s)).Sample(key =>
        {
            var kind = MlflowArtifactKey.Read(key, out var read, out var why);
            var segments = key.Split('/');
            if (kind != MlflowArtifactKey.Kind.Model)
            {
                Assert.Null(read);
                Assert.NotEmpty(why);
                if (segments.Any(s => s is ".." or ".") || key.Any(char.IsControl) || key.Contains('\\', StringComparison.Ordinal))
                    Assert.Equal(MlflowArtifactKey.Kind.Unsafe, kind);
                return;
            }
            Assert.NotNull(read);
            Assert.Equal("MLmodel", segments[^1]);
            Assert.DoesNotContain(segments, s => s is "" or "." or "..");
            Assert.Matches("^[0-9]{1,19}$", read.ExperimentId);
            Assert.True(read.RunId is null ? read.LoggedModelId is not null : MlflowArtifactKey.IsRunId(read.RunId));
            var rebuilt = read.RunId is not null
                ? $"{read.ExperimentId}/{read.RunId}/artifacts/{read.ArtifactPath}/MLmodel"
                : $"{read.ExperimentId}/models/{read.LoggedModelId}/artifacts/MLmodel";
            Assert.Equal(key, rebuilt);
        }, iter: Runs * 3);
    }

    private static void ParsedOrRefused(byte[] body)
    {
        MinioEventNotification parsed;
        try
        {
            parsed = MinioEventNotification.Parse(body);
        }
        catch (FormatException refused)
        {
            Assert.False(string.IsNullOrWhiteSpace(refused.Message));
            return;
        }
        // What is accepted can be read to the end: every record has its bucket and its object.
        Assert.NotEmpty(parsed.Records);
        foreach (var record in parsed.Objects())
        {
            Assert.NotNull(record.BucketName);
            Assert.NotNull(record.ObjectKey);
            Assert.NotNull(record.EventName);
        }
    }
}
