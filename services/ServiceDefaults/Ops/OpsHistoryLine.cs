using Mlops.SagaStore;

namespace Mlops.ServiceDefaults.Ops;

/// <summary>One line of a saga's audit trail: a transition (or a failed attempt when Error is set) and who asked for it.</summary>
public sealed record OpsHistoryLine
{
    public required long Sequence { get; init; }
    public required string SagaType { get; init; }
    public required Guid SagaId { get; init; }
    public required DateTimeOffset At { get; init; }
    public required string Event { get; init; }

    /// <summary>The ops token's owner, for commands that came through the ops API.</summary>
    public string? RequestedBy { get; init; }
    public string? FromState { get; init; }
    public string? ToState { get; init; }
    public Guid? MessageId { get; init; }
    public string? Error { get; init; }

    internal static OpsHistoryLine From(SagaHistoryEntry entry, SecretMask mask) => new()
    {
        Sequence = entry.Sequence,
        SagaType = entry.SagaType,
        SagaId = entry.CorrelationId,
        At = entry.OccurredAt,
        Event = entry.EventName,
        RequestedBy = entry.RequestedBy,
        FromState = entry.FromState,
        ToState = entry.ToState,
        MessageId = entry.MessageId,
        Error = entry.Error is null ? null : mask.MaskText(entry.Error),
    };
}
