namespace Mlops.SagaStore.Tests.Sagas;

/// <summary>Stops waiting: clears the deadline.</summary>
public sealed record PauseRollout
{
    public Guid CorrelationId { get; init; }
}
