using MassTransit;

namespace Mlops.TrainingCoordinator.Sagas;

/// <summary>The training's timeout and its grace passed without the watcher reporting an outcome (published by the sweeper).</summary>
public sealed record TrainingOutcomeOverdue : CorrelatedBy<Guid>
{
    public Guid CorrelationId { get; init; }

    public DateTimeOffset DeadlineAt { get; init; }

    public Guid? FlowId { get; init; }
}
