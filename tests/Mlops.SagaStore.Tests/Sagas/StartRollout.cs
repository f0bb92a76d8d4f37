namespace Mlops.SagaStore.Tests.Sagas;

/// <summary>Starts a rollout that times out after Timeout.</summary>
public sealed record StartRollout
{
    public Guid CorrelationId { get; init; }
    public Guid FlowId { get; init; }
    public required string ModelName { get; init; }
    public TimeSpan Timeout { get; init; }
}
