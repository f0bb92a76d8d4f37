using System.Text;
using System.Text.Json;
using Minio.DataModel.Args;
using Mlops.ModelPromoter.Tests.Promotion;
using Mlops.Testing;
using RabbitMQ.Client;

namespace Mlops.ModelPromoter.Tests.Triggers;

/// <summary>MinIO's side of the bucket events: objects written through the sandbox's S3, or MinIO's message published by hand.</summary>
public static class BucketEvents
{
    public const string MlmodelText = "artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.pytorch\n  pytorch:\n    pytorch_version: 2.3.0\nmlflow_version: 2.21.3\n";

    /// <summary>Writes an object into the artifact bucket; MinIO announces it.</summary>
    public static async Task PutAsync(PromoterSandbox sandbox, string key, string text = MlmodelText)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        using var content = new MemoryStream(bytes);
        await sandbox.Sandbox.Minio.PutObjectAsync(new PutObjectArgs().WithBucket(PromoterSandbox.ArtifactBucket).WithObject(key)
            .WithStreamData(content).WithObjectSize(bytes.Length).WithContentType("application/octet-stream"));
    }

    /// <summary>A fixture message of MinIO with its run and experiment replaced by real ones.</summary>
    public static async Task<string> FixtureAsync(string file, string experimentId, string runId)
    {
        var body = await File.ReadAllTextAsync(Path.Combine(TestEnvironment.FixturesDirectory, file));
        const string FixtureRun = "6f1c2d9e4b7a4c0d9e8f7a6b5c4d3e2f";
        return body.Replace($"mlflow/3/{FixtureRun}/", $"mlflow/{experimentId}/{runId}/", StringComparison.Ordinal)
            .Replace($"\"3%2F{FixtureRun}%2F", $"\"{experimentId}%2F{runId}%2F", StringComparison.Ordinal);
    }

    /// <summary>Publishes a body as MinIO does: to its exchange, JSON, persistent, its two headers, no message id.</summary>
    public static async Task PublishAsync(PromoterSandbox sandbox, string body, string bucket = PromoterSandbox.ArtifactBucket, string eventName = "s3:ObjectCreated:Put")
    {
        await using var connection = await new ConnectionFactory { Uri = sandbox.VirtualHost.AmqpUrl }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(PromoterSandbox.Exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            Headers = new Dictionary<string, object?> { ["minio-bucket"] = bucket, ["minio-event"] = eventName },
        };
        await channel.BasicPublishAsync(PromoterSandbox.Exchange, "", mandatory: false, properties, Encoding.UTF8.GetBytes(body));
    }

    /// <summary>MinIO's message for one object, its record key encoded as Go's url.QueryEscape encodes it.</summary>
    public static string Message(string bucket, string key, string eventName = "s3:ObjectCreated:Put", string? encodedKey = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["EventName"] = eventName,
            ["Key"] = $"{bucket}/{key}",
            ["Records"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["eventVersion"] = "2.0",
                    ["eventSource"] = "minio:s3",
                    ["eventTime"] = DateTimeOffset.UtcNow,
                    ["eventName"] = eventName,
                    ["s3"] = new
                    {
                        s3SchemaVersion = "1.0",
                        bucket = new { name = bucket },
                        @object = new { key = encodedKey ?? Uri.EscapeDataString(key), size = 612, eTag = "9b2cf535f27731c974343645a3985328" },
                    },
                },
            },
        });
}
