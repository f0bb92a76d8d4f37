using System.Diagnostics;
using MassTransit;
using Mlops.Contracts;

namespace Mlops.Flow.Benchmarks;

/// <summary>
/// A plain MassTransit consumer (no saga, no outbox) of ModelRegistered on a bus set up as the services' is
/// (services/ServiceDefaults/Messaging/MessagingExtensions.cs): publisher confirms, a durable queue, the prefetch the
/// services' endpoints were seen with on the broker (MassTransit's default for this machine; concurrency follows it), a retry
/// of the same shape (exponential, 5, 200 ms to 10 s; then immediate retries of concurrency conflicts). What the services add on top (the saga store's outbox and inbox, the saga rows) is what the ratio shows.
/// Publishes with up to <see cref="Window"/> publishes awaiting their confirms.
/// </summary>
internal sealed class MassTransitBaseline : IAsyncDisposable
{
    public const int Window = 256;
    private readonly IBusControl _bus;
    private readonly ModelRegisteredSink _sink;

    private MassTransitBaseline(IBusControl bus, ModelRegisteredSink sink, string queue)
    {
        _bus = bus;
        _sink = sink;
        Queue = queue;
    }

    public string Queue { get; }

    /// <summary>The serialized size of a typical ModelRegistered envelope, as the consumer received it.</summary>
    public int EnvelopeBytes => _sink.EnvelopeBytes;

    public static async Task<MassTransitBaseline> StartAsync(Uri amqp, int prefetch, CancellationToken cancellationToken)
    {
        var sink = new ModelRegisteredSink();
        var queue = "bench-masstransit-" + Guid.NewGuid().ToString("N")[..8];
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(amqp, h =>
            {
                h.PublisherConfirmation = true;
                h.RequestedConnectionTimeout(TimeSpan.FromSeconds(10));
            });
            cfg.ReceiveEndpoint(queue, e =>
            {
                if (prefetch > 0)
                    e.PrefetchCount = prefetch;
                e.UseMessageRetry(r =>
                {
                    r.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(400));
                    r.Handle<TimeoutException>();
                });
                e.UseMessageRetry(r =>
                {
                    r.Immediate(20);
                    r.Handle<ConcurrencyException>();
                });
                e.Instance(sink);
            });
        });
        await bus.StartAsync(cancellationToken);
        var baseline = new MassTransitBaseline(bus, sink, queue);
        await baseline.PublishAsync(200, null, cancellationToken);
        await baseline.WaitForAsync(200, cancellationToken);
        return baseline;
    }

    public async Task<BaselineResult> MeasureAsync(TimeSpan duration, int prefetch, CancellationToken cancellationToken)
    {
        _sink.Reset();
        var started = Stopwatch.GetTimestamp();
        var published = await PublishAsync(null, duration, cancellationToken);
        await WaitForAsync(published, cancellationToken);
        return new BaselineResult("MassTransit", published, Stopwatch.GetElapsedTime(started, _sink.LastTimestamp), Latency.Of(_sink.Latencies), prefetch);
    }

    private async Task<int> PublishAsync(int? count, TimeSpan? duration, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var inFlight = new Queue<Task>();
        var sent = 0;
        while (count is { } c ? sent < c : clock.Elapsed < duration)
        {
            inFlight.Enqueue(_bus.Publish(Typical(sent), cancellationToken));
            sent++;
            if (inFlight.Count >= Window)
                await inFlight.Dequeue();
        }
        await Task.WhenAll(inFlight);
        return sent;
    }

    private async Task WaitForAsync(int messages, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (_sink.Count < messages)
        {
            if (waited.Elapsed > TimeSpan.FromMinutes(2))
                throw new TimeoutException($"the MassTransit consumer got {_sink.Count} of {messages} messages in 2 min");
            await Task.Delay(5, cancellationToken);
        }
    }

    /// <summary>A ModelRegistered as the TrainingCoordinator publishes one: names, ids, an S3 source and two metrics.</summary>
    public static ModelRegistered Typical(int index)
    {
        var run = Guid.NewGuid().ToString("N");
        return new ModelRegistered
        {
            FlowId = Guid.NewGuid(),
            OccurredAt = DateTimeOffset.UtcNow,
            ModelName = $"bench_model_{index:D5}",
            Version = "1",
            RunId = run,
            Source = $"s3://mlflow/1/{run}/artifacts/model",
            StackName = "homelab",
            TrainingId = Guid.NewGuid(),
            Metrics = new Dictionary<string, double> { ["accuracy"] = 0.91, ["loss"] = 0.23 },
        };
    }

    public async ValueTask DisposeAsync() => await _bus.StopAsync();
}
