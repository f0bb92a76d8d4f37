using System.Text;
using Mlops.Testing;
using RabbitMQ.Client;

namespace Mlops.Sandbox.Cluster.Tests;

/// <summary>
/// A cluster sandbox with a throwaway vhost of the real broker, whose s3 stand-in has its own AMQP target <c>MLOPS</c>
/// (exchange <see cref="StandInExchange"/>), so a test can tell the stand-in's own target from an in-cluster MinIO pod's.
/// </summary>
public sealed class BrokerClusterSandbox : ClusterSandbox
{
    public const string StandInExchange = "sandbox-minio-events";

    private RabbitMqVirtualHost? _vhost;
    private IConnection? _broker;

    public RabbitMqVirtualHost VirtualHost => _vhost ?? throw new InvalidOperationException("not started");

    protected override IReadOnlyDictionary<string, string?> MoreSettings => new Dictionary<string, string?>
    {
        ["Sandbox:s3:MINIO_NOTIFY_AMQP_ENABLE_MLOPS"] = "on",
        ["Sandbox:s3:MINIO_NOTIFY_AMQP_URL_MLOPS"] = VirtualHost.AmqpUrl.ToString(),
        ["Sandbox:s3:MINIO_NOTIFY_AMQP_EXCHANGE_MLOPS"] = StandInExchange,
        ["Sandbox:s3:MINIO_NOTIFY_AMQP_EXCHANGE_TYPE_MLOPS"] = "fanout",
        ["Sandbox:s3:MINIO_NOTIFY_AMQP_DURABLE_MLOPS"] = "on",
    };

    public override async Task InitializeAsync()
    {
        _vhost = await RabbitMqVirtualHost.CreateAsync("cluster");
        await base.InitializeAsync();
        _broker = await new ConnectionFactory { Uri = _vhost.AmqpUrl }.CreateConnectionAsync();
    }

    /// <summary>A queue bound to <paramref name="exchange"/>, declared as MinIO declares it (fanout, durable).</summary>
    public async Task<string> BindQueueAsync(string exchange)
    {
        await using var channel = await _broker!.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var queue = (await channel.QueueDeclareAsync($"events-{Guid.NewGuid():N}", durable: true, exclusive: false, autoDelete: false)).QueueName;
        await channel.QueueBindAsync(queue, exchange, routingKey: "");
        return queue;
    }

    /// <summary>The body and <c>minio-bucket</c> header of the first message on <paramref name="queue"/> that <paramref name="matches"/>.</summary>
    public async Task<(string Body, string Bucket)> NextEventAsync(string queue, Func<string, bool> matches, string what)
    {
        await using var channel = await _broker!.CreateChannelAsync();
        var found = await Eventually.ReturnsAsync(async () =>
        {
            while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
            {
                var body = Encoding.UTF8.GetString(message.Body.Span);
                if (matches(body))
                    return Tuple.Create(body, message.BasicProperties.Headers?["minio-bucket"] is byte[] bucket ? Encoding.UTF8.GetString(bucket) : "");
            }
            return null;
        }, what);
        return (found.Item1, found.Item2);
    }

    /// <summary>How many messages wait on <paramref name="queue"/>.</summary>
    public async Task<uint> MessageCountAsync(string queue)
    {
        await using var channel = await _broker!.CreateChannelAsync();
        return await channel.MessageCountAsync(queue);
    }

    public override async Task DisposeAsync()
    {
        if (_broker is not null)
            await _broker.DisposeAsync();
        await base.DisposeAsync();
        if (_vhost is not null)
            await _vhost.DisposeAsync();
    }
}
