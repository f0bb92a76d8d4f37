using System.Buffers.Binary;
using System.Diagnostics;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Mlops.Flow.Benchmarks;

/// <summary>
/// The broker's own limit as its official client reaches it: persistent messages of the product's size published with
/// publisher confirms (a window of <see cref="ConfirmWindow"/> outstanding), consumed from one durable queue with a prefetch
/// of <see cref="Prefetch"/> and manual acks (one multiple ack per <see cref="AckEvery"/> deliveries). Publisher and
/// consumer each have a connection of their own; every body starts with its publish time, so the consumer measures
/// publish-to-consume latency.
/// </summary>
internal static class RawBrokerRun
{
    public const int ConfirmWindow = 256;
    public const ushort Prefetch = 256;
    public const int AckEvery = 32;
    private const int WarmUp = 500;

    public static async Task<BaselineResult> MeasureAsync(Uri amqp, int bodyBytes, TimeSpan duration, CancellationToken cancellationToken)
    {
        var queue = "bench-raw-" + Guid.NewGuid().ToString("N")[..8];
        var factory = new ConnectionFactory { Uri = amqp, ClientProvidedName = queue };
        await using var publishing = await factory.CreateConnectionAsync(cancellationToken);
        await using var consuming = await factory.CreateConnectionAsync(cancellationToken);
        var confirms = new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true,
            outstandingPublisherConfirmationsRateLimiter: new ThrottlingRateLimiter(ConfirmWindow));
        await using var publisher = await publishing.CreateChannelAsync(confirms, cancellationToken);
        await using var consumerChannel = await consuming.CreateChannelAsync(cancellationToken: cancellationToken);
        await publisher.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        try
        {
            var sink = new Sink();
            await consumerChannel.BasicQosAsync(0, Prefetch, false, cancellationToken);
            var consumer = new AsyncEventingBasicConsumer(consumerChannel);
            consumer.ReceivedAsync += async (_, delivery) =>
            {
                var sent = BinaryPrimitives.ReadInt64LittleEndian(delivery.Body.Span);
                sink.Received(Stopwatch.GetElapsedTime(sent).TotalMilliseconds, delivery.DeliveryTag);
                if (delivery.DeliveryTag % AckEvery == 0)
                    await consumerChannel.BasicAckAsync(delivery.DeliveryTag, multiple: true, cancellationToken);
            };
            await consumerChannel.BasicConsumeAsync(queue, autoAck: false, consumer, cancellationToken);

            var body = new byte[Math.Max(bodyBytes, sizeof(long))];
            Random.Shared.NextBytes(body);
            var properties = new BasicProperties { Persistent = true, ContentType = "application/vnd.masstransit+json" };
            await PublishAsync(publisher, queue, body, properties, count: WarmUp, duration: null, cancellationToken);
            await sink.WaitForAsync(WarmUp, cancellationToken);
            sink.Reset();

            var started = Stopwatch.GetTimestamp();
            var published = await PublishAsync(publisher, queue, body, properties, count: null, duration, cancellationToken);
            await sink.WaitForAsync(published, cancellationToken);
            await consumerChannel.BasicAckAsync(sink.LastTag, multiple: true, cancellationToken);
            // From the first publish to the last delivery: the rate at which messages went all the way through.
            return new BaselineResult("RabbitMQ.Client", published, Stopwatch.GetElapsedTime(started, sink.LastTimestamp), Latency.Of(sink.Latencies), Prefetch);
        }
        finally
        {
            await publisher.QueueDeleteAsync(queue, cancellationToken: CancellationToken.None);
        }
    }

    private static async Task<int> PublishAsync(IChannel channel, string queue, byte[] body, BasicProperties properties, int? count, TimeSpan? duration,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var inFlight = new Queue<Task>();
        var sent = 0;
        while (count is { } c ? sent < c : clock.Elapsed < duration)
        {
            // Each message its own copy: the client may still hold the previous body while its confirm is outstanding.
            var copy = (byte[])body.Clone();
            BinaryPrimitives.WriteInt64LittleEndian(copy, Stopwatch.GetTimestamp());
            inFlight.Enqueue(channel.BasicPublishAsync("", queue, mandatory: false, properties, copy, cancellationToken).AsTask());
            sent++;
            if (inFlight.Count >= ConfirmWindow)
                await inFlight.Dequeue();
        }
        await Task.WhenAll(inFlight);
        return sent;
    }

    /// <summary>What the consumer saw; its handler runs one delivery at a time (the client's default dispatch).</summary>
    private sealed class Sink
    {
        private readonly Lock _gate = new();
        private List<double> _latencies = [];
        private long _lastTimestamp;

        public ulong LastTag { get; private set; }

        public long LastTimestamp
        {
            get
            {
                lock (_gate)
                    return _lastTimestamp;
            }
        }

        public double[] Latencies
        {
            get
            {
                lock (_gate)
                    return _latencies.ToArray();
            }
        }

        public void Received(double latencyMs, ulong tag)
        {
            lock (_gate)
            {
                _latencies.Add(latencyMs);
                LastTag = tag;
                _lastTimestamp = Stopwatch.GetTimestamp();
            }
        }

        public void Reset()
        {
            lock (_gate)
                _latencies = [];
        }

        public async Task<TimeSpan> WaitForAsync(int messages, CancellationToken cancellationToken)
        {
            var waited = Stopwatch.StartNew();
            while (true)
            {
                lock (_gate)
                {
                    if (_latencies.Count >= messages)
                        return waited.Elapsed;
                }
                if (waited.Elapsed > TimeSpan.FromMinutes(2))
                    throw new TimeoutException($"the raw consumer got {Latencies.Length} of {messages} messages in 2 min");
                await Task.Delay(5, cancellationToken);
            }
        }
    }
}
