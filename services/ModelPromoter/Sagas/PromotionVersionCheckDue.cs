using MassTransit;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>A promotion's time to look at a PENDING version (or a gated run still RUNNING) again. Published by the saga store's sweeper when the deadline passes.</summary>
public sealed record PromotionVersionCheckDue : CorrelatedBy<Guid>
{
    public Guid CorrelationId { get; init; }

    public DateTimeOffset DeadlineAt { get; init; }

    public Guid? FlowId { get; init; }
}
