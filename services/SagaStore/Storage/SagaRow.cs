namespace Mlops.SagaStore.Storage;

/// <summary>One stored saga instance as it is in its table.</summary>
internal sealed record SagaRow(
    Guid CorrelationId,
    string? State,
    string? FlowId,
    int Version,
    string Data,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset? DeadlineAt,
    string? DeadlineEvent,
    string? DeadlineError);
