using System.Diagnostics;
using MassTransit;
using Mlops.Contracts;

namespace Mlops.Flow.Benchmarks;

/// <summary>
/// Drives the running services: publishes each registered model's ModelRegistered to the bus (the trigger, as the
/// TrainingCoordinator publishes it) and waits for every model's ServingRolloutComplete on the benchmark's own queue.
/// Latency is from the publish (or, at a fixed offered load, from the moment the schedule meant to publish) to the
/// arrival of ServingRolloutComplete.
/// </summary>
internal sealed class FlowBenchmark : IAsyncDisposable
{
    public const string StackName = "bench";
    private readonly IBusControl _bus;
    private readonly RolloutObserver _observer;

    private FlowBenchmark(IBusControl bus, RolloutObserver observer)
    {
        _bus = bus;
        _observer = observer;
    }

    public static async Task<FlowBenchmark> StartAsync(Uri amqp, CancellationToken cancellationToken)
    {
        var observer = new RolloutObserver();
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(amqp, h => h.PublisherConfirmation = true);
            cfg.ReceiveEndpoint("bench-rollouts-" + Guid.NewGuid().ToString("N")[..8], e =>
            {
                // Gone with the benchmark's connection: nothing of it stays in the product's vhost.
                e.AutoDelete = true;
                e.Durable = false;
                e.Instance(observer);
            });
        });
        await bus.StartAsync(cancellationToken);
        return new FlowBenchmark(bus, observer);
    }

    /// <summary>Every model's ModelRegistered published at once; the batch's time runs to the last ServingRolloutComplete.</summary>
    public async Task<FlowResult> BurstAsync(IReadOnlyList<RegisteredModel> models, CancellationToken cancellationToken)
    {
        var sent = new long[models.Count];
        var wall = new DateTimeOffset[models.Count];
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(models.Select((model, i) =>
        {
            sent[i] = Stopwatch.GetTimestamp();
            wall[i] = DateTimeOffset.UtcNow;
            return _bus.Publish(Registered(model), cancellationToken);
        }));
        return await WaitForAsync(models, sent, wall, started, cancellationToken);
    }

    /// <summary>
    /// An open loop: one ModelRegistered every 1/<paramref name="perSecond"/> s on a fixed schedule, never waiting on
    /// completions, so a slow system meets the same offered load and its backlog shows in the latency.
    /// </summary>
    public async Task<FlowResult> OpenLoopAsync(IReadOnlyList<RegisteredModel> models, double perSecond, CancellationToken cancellationToken)
    {
        var due = new long[models.Count];
        var wall = new DateTimeOffset[models.Count];
        var publishes = new List<Task>(models.Count);
        var started = Stopwatch.GetTimestamp();
        var interval = Stopwatch.Frequency / perSecond;
        for (var i = 0; i < models.Count; i++)
        {
            due[i] = started + (long)(i * interval);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due[i]);
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, cancellationToken);
            wall[i] = DateTimeOffset.UtcNow;
            publishes.Add(_bus.Publish(Registered(models[i]), cancellationToken));
        }
        await Task.WhenAll(publishes);
        return await WaitForAsync(models, due, wall, started, cancellationToken);
    }

    private async Task<FlowResult> WaitForAsync(IReadOnlyList<RegisteredModel> models, long[] sent, DateTimeOffset[] wall, long started,
        CancellationToken cancellationToken)
    {
        var limit = TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(4 * models.Count);
        var progress = Stopwatch.StartNew();
        while (true)
        {
            var done = models.Count(m => _observer.TryCompleted(m.ModelName, out _));
            if (done == models.Count)
                break;
            if (_observer.Failures.Count > 0)
                throw new InvalidOperationException("a flow failed: " + string.Join("; ", _observer.Failures.Take(5)));
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed > limit)
                throw new TimeoutException($"{done} of {models.Count} flows reached ServingRolloutComplete within {limit.TotalSeconds:F0} s");
            if (progress.Elapsed > TimeSpan.FromSeconds(5))
            {
                Console.Error.WriteLine($"  {done}/{models.Count} served after {elapsed.TotalSeconds:F1} s");
                progress.Restart();
            }
            await Task.Delay(10, cancellationToken);
        }
        var arrived = models.Select(m => _observer.TryCompleted(m.ModelName, out var at) ? at : 0).ToArray();
        var latencies = arrived.Select((at, i) => Stopwatch.GetElapsedTime(sent[i], at).TotalMilliseconds).ToArray();
        return new FlowResult(models, wall, Stopwatch.GetElapsedTime(started, arrived.Max()), latencies, null);
    }

    private static ModelRegistered Registered(RegisteredModel model) => new()
    {
        FlowId = model.FlowId,
        OccurredAt = DateTimeOffset.UtcNow,
        ModelName = model.ModelName,
        Version = model.Version,
        RunId = model.RunId,
        Source = model.Source,
        StackName = StackName,
        TrainingId = model.TrainingId,
        Metrics = new Dictionary<string, double> { ["accuracy"] = 0.91 },
    };

    public async ValueTask DisposeAsync() => await _bus.StopAsync();
}
