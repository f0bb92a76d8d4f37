namespace Mlops.Ops.Tests.Reservations;

/// <summary>
/// The outside system the reservation step calls, under the test's control: closed, it refuses for good (a permanent
/// failure, quoting the key it was called with); held, a call waits until released, so a test can act while a step runs.
/// </summary>
public sealed class GpuPool(string schedulerKey)
{
    private readonly Lock _lock = new();
    private TaskCompletionSource? _hold;
    private int _calls;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _open = new(StringComparer.Ordinal);

    /// <summary>From now on reservations in <paramref name="pool"/> are granted; every pool starts closed.</summary>
    public void Open(string pool = "lab-1") => _open[pool] = true;

    /// <summary>Calls made so far, whether granted or not.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>From now on calls wait until <see cref="Release"/>.</summary>
    public void Hold()
    {
        lock (_lock)
            _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Release()
    {
        lock (_lock)
        {
            _hold?.TrySetResult();
            _hold = null;
        }
    }

    public async Task ReserveAsync(string pool, int hours, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        Task? hold;
        lock (_lock)
            hold = _hold?.Task;
        if (hold is not null)
            await hold.WaitAsync(cancellationToken);
        if (!_open.ContainsKey(pool))
            throw new InvalidOperationException($"pool {pool} has no {hours} h free for scheduler key {schedulerKey}");
    }
}
