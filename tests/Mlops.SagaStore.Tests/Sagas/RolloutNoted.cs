namespace Mlops.SagaStore.Tests.Sagas;

/// <summary>Sets the rollout's note; the same note again is a transition that changes nothing.</summary>
public sealed record RolloutNoted
{
    public Guid CorrelationId { get; init; }
    public required string Note { get; init; }
}
