using Mlops.SagaStore.Outbox;

namespace Mlops.SagaStore.Storage;

/// <summary>Everything one message (or one outbox API call, or one sweep) writes, committed in one transaction or not at all.</summary>
internal sealed class StoreCommit
{
    public required DateTimeOffset At { get; init; }

    public InboxKey? Inbox { get; init; }

    public IReadOnlyList<StagedSagaWrite> Sagas { get; init; } = [];

    public IReadOnlyList<StoreRecord> Records { get; init; } = [];

    /// <summary>The messages to send after the commit; its id is set once it is stored.</summary>
    public OutboxBatch? Outbox { get; init; }

    public bool IsEmpty => Inbox is null && Sagas.Count == 0 && Records.Count == 0 && Outbox is null;
}
