namespace Mlops.Contracts;

/// <summary>A version passed its gates and waits for a person's <see cref="ApprovePromotion"/> until <see cref="ApproveBy"/>.</summary>
public sealed record PromotionAwaitingApproval : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required Guid PromotionId { get; init; }

    public required string ModelName { get; init; }

    public required string Version { get; init; }

    public required string Trigger { get; init; }

    /// <summary>When the promotion fails for want of approval.</summary>
    public required DateTimeOffset ApproveBy { get; init; }
}
