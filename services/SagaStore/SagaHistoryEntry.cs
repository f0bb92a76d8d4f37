namespace Mlops.SagaStore;

/// <summary>One line of a saga's audit trail: a transition, or a failed attempt when <see cref="Error"/> is set.</summary>
public sealed record SagaHistoryEntry
{
    /// <summary>Position in the store's history; later entries have higher numbers.</summary>
    public required long Sequence { get; init; }
    public required string SagaType { get; init; }
    public required Guid CorrelationId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The message that caused the transition.</summary>
    public required string Event { get; init; }
    public string? FromState { get; init; }
    public string? ToState { get; init; }
    public Guid? MessageId { get; init; }
    public string? Error { get; init; }
}
