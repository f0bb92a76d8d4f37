namespace Mlops.Contracts;

/// <summary>The ModelPromoter took on a model version; the trigger says what started it.</summary>
public sealed record PromotionStarted : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string ModelName { get; init; }

    public required string Version { get; init; }

    public required string Trigger { get; init; }
}
