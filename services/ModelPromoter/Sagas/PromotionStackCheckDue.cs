using MassTransit;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>A promotion's time to ask again about a stack that was not ready. Published by the saga store's sweeper when the deadline passes.</summary>
public sealed record PromotionStackCheckDue : CorrelatedBy<Guid>
{
    public Guid CorrelationId { get; init; }

    public DateTimeOffset DeadlineAt { get; init; }

    public Guid? FlowId { get; init; }
}
