using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;
using Mlops.Contracts;

namespace Mlops.Flow.Benchmarks;

/// <summary>
/// The benchmark's own queue on the product's vhost, bound to the exchanges of the flow's last events: when each model's
/// ServingRolloutComplete arrived, and any ServingRolloutFailed or PromotionFailed, so a failing flow ends the run with its
/// reason instead of a timeout.
/// </summary>
internal sealed class RolloutObserver : IConsumer<ServingRolloutComplete>, IConsumer<ServingRolloutFailed>, IConsumer<PromotionFailed>
{
    private readonly ConcurrentDictionary<string, long> _completed = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _failures = new();

    public int CompletedCount => _completed.Count;

    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>The Stopwatch timestamp at which the model's ServingRolloutComplete arrived, if it did.</summary>
    public bool TryCompleted(string model, out long timestamp) => _completed.TryGetValue(model, out timestamp);

    public Task Consume(ConsumeContext<ServingRolloutComplete> context)
    {
        _completed.TryAdd(context.Message.ModelName, Stopwatch.GetTimestamp());
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ServingRolloutFailed> context)
    {
        _failures.Enqueue($"ServingRolloutFailed {context.Message.ModelName} {context.Message.Version}: {context.Message.Reason}");
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<PromotionFailed> context)
    {
        _failures.Enqueue($"PromotionFailed {context.Message.ModelName} {context.Message.Version} at {context.Message.Step}: {context.Message.Reason}");
        return Task.CompletedTask;
    }
}
