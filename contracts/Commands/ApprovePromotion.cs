namespace Mlops.Contracts;

/// <summary>
/// A person's approval of a promotion that waits for one: every promotion of that version waiting for approval, or only
/// the one <see cref="PromotionId"/> names.
/// </summary>
public sealed record ApprovePromotion : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string ModelName { get; init; }

    public required string Version { get; init; }

    public required string ApprovedBy { get; init; }

    /// <summary>The one promotion (its saga id, as the ops API lists it) to approve; null: all of that version's.</summary>
    public Guid? PromotionId { get; init; }
}
