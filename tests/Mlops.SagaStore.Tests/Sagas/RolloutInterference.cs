namespace Mlops.SagaStore.Tests.Sagas;

/// <summary>Lets a test change an instance behind the saga's back while a message is handled, like a competing replica would.</summary>
public sealed class RolloutInterference
{
    private int _attempts;

    /// <summary>Runs on the first attempt only, so the retried attempt can succeed.</summary>
    public Func<Guid, Task> OnFirstAttempt { get; set; } = _ => Task.CompletedTask;

    public int Attempts => Volatile.Read(ref _attempts);

    public Task InterfereAsync(Guid correlationId) =>
        Interlocked.Increment(ref _attempts) == 1 ? OnFirstAttempt(correlationId) : Task.CompletedTask;
}
