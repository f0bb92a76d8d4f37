using Mlops.Contracts;

namespace Mlops.ModelPromoter.Serving;

/// <summary>The serving saga's answer to <see cref="ServeModelVersion"/>, correlated by <see cref="PromotionId"/>. Internal to the ModelPromoter.</summary>
public sealed record ServingAttemptFinished : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required Guid PromotionId { get; init; }

    public required string ModelName { get; init; }

    public required string Version { get; init; }

    /// <summary>Served, rolled back after a failure, or superseded by a newer request before its turn.</summary>
    public required ServingOutcome Outcome { get; init; }

    /// <summary>Why it failed or was superseded; null when served.</summary>
    public string? Reason { get; init; }
}
