using Mlops.SagaStore;

namespace Mlops.ServiceDefaults.Ops;

/// <summary>One saga instance in a listing: where it is, since when, and the step it failed in if it did.</summary>
public sealed record OpsSagaSummary
{
    public required string SagaType { get; init; }
    public required Guid Id { get; init; }
    public string? State { get; init; }
    public string? FlowId { get; init; }
    public int Version { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public DateTimeOffset? DeadlineAt { get; init; }
    public string? DeadlineEvent { get; init; }
    public string? DeadlineError { get; init; }

    /// <summary>Set while the saga is in its failed state with a failed step recorded.</summary>
    public OpsFailure? Failed { get; init; }

    internal static OpsSagaSummary From(SagaInstanceRecord record, OpsSagaType? type, SecretMask mask) => new()
    {
        SagaType = record.SagaType,
        Id = record.CorrelationId,
        State = record.State,
        FlowId = record.FlowId,
        Version = record.Version,
        CreatedAt = record.CreatedAt,
        UpdatedAt = record.UpdatedAt,
        FinishedAt = record.FinishedAt,
        DeadlineAt = record.DeadlineAt,
        DeadlineEvent = record.DeadlineEvent,
        DeadlineError = record.DeadlineError is null ? null : mask.MaskText(record.DeadlineError),
        Failed = OpsFailure.From(type?.FailedStep(record), mask),
    };
}
