using MassTransit;

namespace Mlops.ModelPromoter.Sagas;

/// <summary>A promotion waited for approval for as long as it may. Published by the saga store's sweeper when the deadline passes.</summary>
public sealed record PromotionApprovalExpired : CorrelatedBy<Guid>
{
    public Guid CorrelationId { get; init; }

    public DateTimeOffset DeadlineAt { get; init; }

    public Guid? FlowId { get; init; }
}
