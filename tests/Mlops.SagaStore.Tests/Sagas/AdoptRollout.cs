namespace Mlops.SagaStore.Tests.Sagas;

/// <summary>Starts (or joins) a rollout; the saga inserts its instance before handling it.</summary>
public sealed record AdoptRollout
{
    public Guid CorrelationId { get; init; }
    public required string ModelName { get; init; }
}
