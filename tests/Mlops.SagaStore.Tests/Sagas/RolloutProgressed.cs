namespace Mlops.SagaStore.Tests.Sagas;

/// <summary>One step of progress; each must be counted exactly once.</summary>
public sealed record RolloutProgressed
{
    public Guid CorrelationId { get; init; }
}
