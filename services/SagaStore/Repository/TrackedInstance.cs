using Mlops.SagaStore.Storage;

namespace Mlops.SagaStore.Repository;

/// <summary>
/// A saga instance as one message found it (version, state, document) and the deadline change its activities asked for.
/// It travels as a payload of the saga consume context, which is how deadline activities reach it.
/// </summary>
internal sealed class TrackedInstance(Guid correlationId, int? version, string? fromState, string? document, bool finished)
{
    private bool _deadlineChanged;
    private DateTimeOffset? _deadlineAt;
    private TimeSpan? _deadlineAfter;
    private string? _deadlineEvent;

    public Guid CorrelationId { get; } = correlationId;

    /// <summary>The stored version, or null for an instance not written yet.</summary>
    public int? Version { get; set; } = version;

    public string? FromState { get; } = fromState;

    /// <summary>The document as read, serialized the way a write would serialize it, to tell a transition that changed nothing.</summary>
    public string? Document { get; } = document;

    /// <summary>The instance had finished when it was read.</summary>
    public bool Finished { get; } = finished;

    public bool DeadlineChanged => _deadlineChanged;

    public void SetDeadline(DateTimeOffset at, string eventType) => (_deadlineChanged, _deadlineAt, _deadlineAfter, _deadlineEvent) = (true, at, null, eventType);

    public void SetDeadline(TimeSpan after, string eventType) => (_deadlineChanged, _deadlineAt, _deadlineAfter, _deadlineEvent) = (true, null, after, eventType);

    public void ClearDeadline() => (_deadlineChanged, _deadlineAt, _deadlineAfter, _deadlineEvent) = (true, null, null, null);

    /// <summary>The change to store, with a relative deadline counted from the write; null when no activity touched it.</summary>
    public DeadlineChange? DeadlineAsOf(DateTimeOffset now)
    {
        if (!_deadlineChanged)
            return null;
        if (_deadlineEvent is null)
            return DeadlineChange.Clear;
        return new DeadlineChange(_deadlineAt ?? now + _deadlineAfter!.Value, _deadlineEvent);
    }
}
