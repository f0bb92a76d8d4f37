using MassTransit;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>A run's time to look for a version of it in the registry again. Published by the saga store's sweeper.</summary>
public sealed record RunArtifactCheckDue : CorrelatedBy<Guid>
{
    public Guid CorrelationId { get; init; }

    public DateTimeOffset DeadlineAt { get; init; }

    public Guid? FlowId { get; init; }
}
