namespace Mlops.SagaStore.Storage;

/// <summary>The history line a write appends in the same transaction as the state change.</summary>
internal sealed record TransitionRecord(string Event, string? FromState, string? ToState, Guid? MessageId, string? Error);
