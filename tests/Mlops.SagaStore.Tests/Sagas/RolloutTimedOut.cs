namespace Mlops.SagaStore.Tests.Sagas;

/// <summary>Published by the deadline sweeper.</summary>
public sealed record RolloutTimedOut
{
    public Guid CorrelationId { get; init; }
    public Guid FlowId { get; init; }
    public DateTimeOffset DeadlineAt { get; init; }
}
