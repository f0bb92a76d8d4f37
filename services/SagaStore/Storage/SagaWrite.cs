namespace Mlops.SagaStore.Storage;

/// <summary>What an insert or update stores: the document, its columns, an optional deadline change and the history line.</summary>
internal sealed record SagaWrite(
    Guid CorrelationId,
    string? State,
    string? FlowId,
    string Data,
    IReadOnlyList<string?> IndexValues,
    DateTimeOffset At,
    DeadlineChange? Deadline,
    bool Finished,
    TransitionRecord? History);
