using MassTransit;

namespace Mlops.TrainingCoordinator.Sagas;

/// <summary>Time to look at the registered version again while it is PENDING_REGISTRATION (published by the sweeper).</summary>
public sealed record ModelVersionCheckDue : CorrelatedBy<Guid>
{
    public Guid CorrelationId { get; init; }

    public DateTimeOffset DeadlineAt { get; init; }

    public Guid? FlowId { get; init; }
}
