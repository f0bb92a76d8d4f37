using System.Text;
using Minio;
using Mlops.Sandbox.Hosting;
using Mlops.Sandbox.Minio;
using Mlops.Sandbox.Mlflow;
using Mlops.Testing;
using RabbitMQ.Client;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>
/// A sandbox whose s3 stand-in publishes to a throwaway vhost of the real broker through the AMQP target "PRIMARY"
/// (fanout exchange <c>minio-events</c>, durable, delivery mode 2), as the product configures MinIO. Subclasses add settings.
/// </summary>
public class StorageSandbox : IAsyncLifetime
{
    public const string TargetId = "PRIMARY";
    public const string Exchange = "minio-events";
    public const string Arn = "arn:minio:sqs::PRIMARY:amqp";
    public const string AccessKey = "minioadmin";
    public const string SecretKey = "minioadmin";

    private RabbitMqVirtualHost? _vhost;
    private SandboxHost? _host;
    private IConnection? _broker;

    public SandboxHost Host => _host ?? throw new InvalidOperationException("not started");

    public RabbitMqVirtualHost VirtualHost => _vhost ?? throw new InvalidOperationException("not started");

    public MlflowServer Mlflow => Host.StandIn<MlflowStandIn>().Server;

    public Uri MlflowUrl => Host.UrlOf("mlflow");

    public Uri S3Url => Host.UrlOf("s3");

    /// <summary>Settings added to (or replacing) the fixture's own.</summary>
    protected virtual IReadOnlyDictionary<string, string?> MoreSettings { get; } = new Dictionary<string, string?>();

    public virtual async Task InitializeAsync()
    {
        _vhost = await RabbitMqVirtualHost.CreateAsync("storage");
        var settings = new Dictionary<string, string?>
        {
            ["Sandbox:mlflow:ModelVersionReadyDelay"] = "00:00:00.300",
            ["Sandbox:mlflow:WebhookRetryBaseDelay"] = "00:00:00.100",
            ["Sandbox:mlflow:WebhookRetryJitter"] = "00:00:00",
            // The receivers of these tests listen on loopback over http, which MLflow refuses unless told otherwise.
            ["Sandbox:mlflow:MLFLOW_WEBHOOK_ALLOWED_SCHEMES"] = "http,https",
            ["Sandbox:mlflow:MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS"] = "true",
            ["Sandbox:Kubernetes:JobDuration"] = "00:00:00.200",
            ["Sandbox:Kubernetes:PodStartDelay"] = "00:00:00.100",
            [$"Sandbox:s3:MINIO_NOTIFY_AMQP_ENABLE_{TargetId}"] = "on",
            [$"Sandbox:s3:MINIO_NOTIFY_AMQP_URL_{TargetId}"] = _vhost.AmqpUrl.ToString(),
            [$"Sandbox:s3:MINIO_NOTIFY_AMQP_EXCHANGE_{TargetId}"] = Exchange,
            [$"Sandbox:s3:MINIO_NOTIFY_AMQP_EXCHANGE_TYPE_{TargetId}"] = "fanout",
            [$"Sandbox:s3:MINIO_NOTIFY_AMQP_ROUTING_KEY_{TargetId}"] = "bucketlogs",
            [$"Sandbox:s3:MINIO_NOTIFY_AMQP_DURABLE_{TargetId}"] = "on",
            [$"Sandbox:s3:MINIO_NOTIFY_AMQP_DELIVERY_MODE_{TargetId}"] = "2",
            ["Sandbox:ModelServer:LoadTime"] = "00:00:00.200",
        };
        foreach (var (key, value) in MoreSettings)
            settings[key] = value;
        _host = await SandboxHost.StartAsync(settings);
        _broker = await new ConnectionFactory { Uri = _vhost.AmqpUrl }.CreateConnectionAsync();
    }

    public IMinioClient MinioClient() =>
        new MinioClient().WithEndpoint(S3Url.Host, S3Url.Port).WithCredentials(AccessKey, SecretKey).WithRegion("us-east-1").Build();

    public HttpClient MlflowClient() => new() { BaseAddress = MlflowUrl };

    /// <summary>A queue bound to the exchange MinIO publishes to, declared with the same type and flags as MinIO's.</summary>
    public async Task<string> BindQueueAsync(string exchange = Exchange)
    {
        await using var channel = await _broker!.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var queue = (await channel.QueueDeclareAsync($"bucket-events-{Guid.NewGuid():N}", durable: true, exclusive: false, autoDelete: false)).QueueName;
        await channel.QueueBindAsync(queue, exchange, routingKey: "");
        return queue;
    }

    /// <summary>Waits for the next message on <paramref name="queue"/>.</summary>
    public async Task<BasicGetResult> NextMessageAsync(string queue, string what, TimeSpan? timeout = null)
    {
        await using var channel = await _broker!.CreateChannelAsync();
        return await Eventually.ReturnsAsync(() => channel.BasicGetAsync(queue, autoAck: true), what, timeout);
    }

    /// <summary>
    /// Waits for the event whose <c>Key</c> is <paramref name="key"/>, skipping the events of other tests' objects (MinIO
    /// sends an event after the upload has answered, so a test's event can reach a queue bound after it); returns it with
    /// the keys of the events received before it.
    /// </summary>
    public async Task<(BasicGetResult Message, IReadOnlyList<string> Before)> NextEventForAsync(string queue, string key, string what)
    {
        var before = new List<string>();
        await using var channel = await _broker!.CreateChannelAsync();
        var found = await Eventually.ReturnsAsync(async () =>
        {
            while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
            {
                var received = KeyOf(message);
                if (received == key)
                    return message;
                before.Add(received);
            }
            return null;
        }, what);
        return (found, before);
    }

    /// <summary>The keys of the events waiting on <paramref name="queue"/> now, taken off it.</summary>
    public async Task<IReadOnlyList<string>> WaitingKeysAsync(string queue)
    {
        var keys = new List<string>();
        await using var channel = await _broker!.CreateChannelAsync();
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
            keys.Add(KeyOf(message));
        return keys;
    }

    /// <summary>The <c>Key</c> of a MinIO event (<c>bucket/object key</c>).</summary>
    public static string KeyOf(BasicGetResult message) =>
        System.Text.Json.JsonDocument.Parse(message.Body).RootElement.GetProperty("Key").GetString() ?? "";

    public async Task<uint> MessageCountAsync(string queue)
    {
        await using var channel = await _broker!.CreateChannelAsync();
        return await channel.MessageCountAsync(queue);
    }

    public static string Text(BasicGetResult message) => Encoding.UTF8.GetString(message.Body.Span);

    public static string Header(BasicGetResult message, string name) =>
        message.BasicProperties.Headers is { } headers && headers.TryGetValue(name, out var value) && value is byte[] bytes
            ? Encoding.UTF8.GetString(bytes)
            : throw new KeyNotFoundException($"header {name}");

    /// <summary>Empties the queue, returning what it held, for tests that read a whole sequence of events.</summary>
    public async Task<List<BasicGetResult>> DrainAsync(string queue, int expected, string what)
    {
        var messages = new List<BasicGetResult>();
        await using var channel = await _broker!.CreateChannelAsync();
        await Eventually.HoldsAsync(async () =>
        {
            while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
                messages.Add(message);
            return messages.Count >= expected;
        }, what);
        return messages;
    }

    public virtual async Task DisposeAsync()
    {
        if (_broker is not null)
            await _broker.DisposeAsync();
        if (_host is not null)
            await _host.DisposeAsync();
        if (_vhost is not null)
            await _vhost.DisposeAsync();
    }
}
