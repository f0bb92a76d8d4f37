namespace Mlops.Contracts;

/// <summary>
/// A promotion ended without serving its version: not registered, a gate not met, no approval, the stack not ready, or
/// the serving saga's rollout failed. The saga stays failed with the step and the reason, and can be replayed.
/// </summary>
public sealed record PromotionFailed : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required Guid PromotionId { get; init; }

    public required string ModelName { get; init; }

    public required string Version { get; init; }

    /// <summary>Where it stopped, e.g. <c>verify-version</c>, <c>gate</c>, <c>wait-for-stack</c>, <c>approval</c>, <c>serving</c>, <c>cancel</c>.</summary>
    public required string Step { get; init; }

    /// <summary>One line for people, e.g. <c>model cnn_classifier version 7 is not registered</c>.</summary>
    public required string Reason { get; init; }

    public required string Trigger { get; init; }

    /// <summary>Stopped by <c>CancelSaga</c>, not by a failure.</summary>
    public bool Cancelled { get; init; }
}
