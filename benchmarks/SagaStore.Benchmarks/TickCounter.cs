using MassTransit;

namespace Mlops.SagaStore.Benchmarks;

/// <summary>
/// Counts ticks whose handling finished (the transition committed, the message acknowledged) and signals when a target is
/// reached. The clock stops on this signal rather than on polling the repository, which would add a read per saga every
/// few milliseconds to the durable rows and nothing to the in-memory baseline.
/// </summary>
internal sealed class TickCounter : IConsumeMessageObserver<Tick>
{
    private readonly Lock _lock = new();
    private long _consumed;
    private long _target = long.MaxValue;
    private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once <paramref name="total"/> ticks have been handled since the start.</summary>
    public Task WhenConsumed(long total)
    {
        lock (_lock)
        {
            _target = total;
            _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_consumed >= total)
                _reached.SetResult();
            return _reached.Task;
        }
    }

    public Task PreConsume(ConsumeContext<Tick> context) => Task.CompletedTask;

    public Task PostConsume(ConsumeContext<Tick> context)
    {
        lock (_lock)
        {
            if (++_consumed >= _target)
                _reached.TrySetResult();
        }
        return Task.CompletedTask;
    }

    public Task ConsumeFault(ConsumeContext<Tick> context, Exception exception) => Task.CompletedTask;
}
