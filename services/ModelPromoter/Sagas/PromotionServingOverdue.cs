using MassTransit;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>A promotion waited for the serving saga's answer for as long as it may. Published by the saga store's sweeper when the deadline passes.</summary>
public sealed record PromotionServingOverdue : CorrelatedBy<Guid>
{
    public Guid CorrelationId { get; init; }

    public DateTimeOffset DeadlineAt { get; init; }

    public Guid? FlowId { get; init; }
}
