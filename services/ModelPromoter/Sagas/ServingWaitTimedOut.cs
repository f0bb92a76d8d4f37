namespace Mlops.ModelPromoter.Sagas;

/// <summary>The deadline of a rollout (or a rollback's rollout) passed without the rollout watcher's verdict; published by the saga store's sweeper.</summary>
public sealed record ServingWaitTimedOut
{
    public Guid CorrelationId { get; init; }

    public DateTimeOffset DeadlineAt { get; init; }

    public Guid? FlowId { get; init; }
}
