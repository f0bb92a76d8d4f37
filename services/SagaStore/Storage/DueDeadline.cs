namespace Mlops.SagaStore.Storage;

/// <summary>A deadline that has passed and is claimed by one sweeper.</summary>
internal sealed record DueDeadline(Guid CorrelationId, string? FlowId, DateTimeOffset DeadlineAt, string EventType);
