using MassTransit;

namespace Mlops.TrainingCoordinator.Sagas;

/// <summary>The run's deadline for its stack to be ready passed (published by the saga store's sweeper).</summary>
public sealed record StackWaitExpired : CorrelatedBy<Guid>
{
    public Guid CorrelationId { get; init; }

    public DateTimeOffset DeadlineAt { get; init; }

    public Guid? FlowId { get; init; }
}
