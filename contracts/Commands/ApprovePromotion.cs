namespace Mlops.Contracts;

/// <summary>A person's approval of a promotion that waits for one.</summary>
public sealed record ApprovePromotion : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string ModelName { get; init; }

    public required string Version { get; init; }

    public required string ApprovedBy { get; init; }
}
