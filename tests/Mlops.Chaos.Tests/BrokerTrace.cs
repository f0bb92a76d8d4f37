using System.Collections.Concurrent;
using System.Text;
using Mlops.Testing.Chart;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Mlops.Chaos.Tests;

/// <summary>
/// Every publish in the run's vhost, seen through RabbitMQ's firehose: how often each message id was published to each
/// exchange. A message id published twice is a message sent twice (an outbox row dispatched by two replicas, a deadline
/// fired by two sweepers); a redelivery to a consumer is not a publish and does not count.
/// </summary>
public sealed class BrokerTrace : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Exchange, string MessageId), int> _published = new();
    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private BrokerTrace(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    /// <summary>Publishes with a message id seen so far.</summary>
    public int Publishes => _published.Values.Sum();

    public static async Task<BrokerTrace> StartAsync(ChartRun run)
    {
        await run.Vhost.TraceAsync();
        var connection = await new ConnectionFactory { Uri = run.Vhost.AmqpUrl }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = await channel.QueueDeclareAsync("chaos-trace", durable: false, exclusive: true, autoDelete: true);
        await channel.QueueBindAsync(queue.QueueName, "amq.rabbitmq.trace", "publish.#");
        var trace = new BrokerTrace(connection, channel);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            trace.Record(delivery);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
        return trace;
    }

    /// <summary>Message ids published more than once to one exchange, with the count.</summary>
    public IReadOnlyList<string> PublishedTwice() =>
        _published.Where(p => p.Value > 1).Select(p => $"message {p.Key.MessageId} published {p.Value} times to {p.Key.Exchange}").ToList();

    // The firehose keeps the original exchange in its routing key and the original properties in a header table.
    private void Record(BasicDeliverEventArgs delivery)
    {
        var exchange = delivery.RoutingKey.StartsWith("publish.", StringComparison.Ordinal) ? delivery.RoutingKey["publish.".Length..] : delivery.RoutingKey;
        var headers = delivery.BasicProperties.Headers;
        if (headers is null || !headers.TryGetValue("properties", out var properties) || properties is not IDictionary<string, object?> table)
            return;
        if (!table.TryGetValue("message_id", out var id) || id is null)
            return;
        var messageId = id is byte[] bytes ? Encoding.UTF8.GetString(bytes) : id.ToString()!;
        _published.AddOrUpdate((exchange, messageId), 1, (_, count) => count + 1);
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
