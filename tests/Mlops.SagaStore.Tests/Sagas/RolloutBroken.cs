namespace Mlops.SagaStore.Tests.Sagas;

/// <summary>Makes the saga activity throw.</summary>
public sealed record RolloutBroken
{
    public Guid CorrelationId { get; init; }
    public required string Reason { get; init; }
}
