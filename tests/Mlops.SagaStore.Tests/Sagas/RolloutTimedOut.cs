namespace Mlops.SagaStore.Tests.Sagas;

/// <summary>Published by the deadline sweeper; shaped by the contracts' convention (required FlowId and OccurredAt).</summary>
public sealed record RolloutTimedOut
{
    public required Guid CorrelationId { get; init; }
    public required Guid FlowId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public DateTimeOffset DeadlineAt { get; init; }
}
