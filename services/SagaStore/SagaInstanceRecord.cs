namespace Mlops.SagaStore;

/// <summary>A stored saga instance as the ops API shows it.</summary>
public sealed record SagaInstanceRecord
{
    public required string SagaType { get; init; }
    public required Guid CorrelationId { get; init; }
    public string? State { get; init; }
    public string? FlowId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the saga reached its final state; finished instances are kept for their history until purged.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    public DateTimeOffset? DeadlineAt { get; init; }

    /// <summary>Name of the message the sweeper publishes when <see cref="DeadlineAt"/> passes.</summary>
    public string? DeadlineEvent { get; init; }

    /// <summary>
    /// Set when the instance's deadline was quarantined: its timeout message could not be built (the time, the event type
    /// and the error). The deadline no longer fires; the saga's next deadline change clears this.
    /// </summary>
    public string? DeadlineError { get; init; }

    /// <summary>The saga state as its JSON document.</summary>
    public required string Data { get; init; }
}
