using System.Collections.Concurrent;
using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Mlops.SagaStore.Tests.Processes;

/// <summary>A queue of its own bound to exchanges, recording every message that reaches them: what went over the wire.</summary>
public sealed class WireTap : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private WireTap(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public ConcurrentQueue<Delivery> Deliveries { get; } = new();

    /// <summary>Binds to <paramref name="exchanges"/>, declared as MassTransit declares a message type's exchange (durable fanout).</summary>
    public static async Task<WireTap> BindAsync(Uri amqp, params string[] exchanges)
    {
        var connection = await new ConnectionFactory { Uri = amqp }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var tap = new WireTap(connection, channel);
        var queue = (await channel.QueueDeclareAsync($"wire-tap-{Guid.NewGuid():N}", durable: false, exclusive: true, autoDelete: true)).QueueName;
        foreach (var exchange in exchanges)
        {
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true);
            await channel.QueueBindAsync(queue, exchange, "");
        }
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            tap.Deliveries.Enqueue(new Delivery(delivery.Exchange, delivery.BasicProperties.MessageId, Encoding.UTF8.GetString(delivery.Body.Span)));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        return tap;
    }

    /// <summary>Publishes raw bytes the way MinIO does: JSON, persistent, no message id.</summary>
    public static async Task PublishRawAsync(Uri amqp, string exchange, string json)
    {
        await using var connection = await new ConnectionFactory { Uri = amqp }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true);
        var properties = new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent };
        await channel.BasicPublishAsync(exchange, "", mandatory: false, properties, Encoding.UTF8.GetBytes(json));
    }

    public IReadOnlyList<Delivery> To(string exchange) => Deliveries.Where(d => d.Exchange == exchange).ToArray();

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }

    /// <summary>One message as it crossed the broker.</summary>
    public sealed record Delivery(string Exchange, string? MessageId, string Body);
}
