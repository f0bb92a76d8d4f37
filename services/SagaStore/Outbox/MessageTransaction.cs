using Mlops.SagaStore.Storage;

namespace Mlops.SagaStore.Outbox;

/// <summary>
/// What handling one message writes, collected while the consumer or saga runs and committed in one transaction after it:
/// the inbox row, the saga rows with their history, and what it published or sent. It travels as a payload of the outbox
/// consume context, which is how the saga repository finds it.
/// </summary>
internal sealed class MessageTransaction(InboxKey inbox, string origin)
{
    public InboxKey Inbox { get; } = inbox;

    /// <summary>The consumer or saga type, for the outbox row and logs.</summary>
    public string Origin { get; } = origin;

    /// <summary>The inbox already had the message: the handler's work is dropped, nothing is written or sent.</summary>
    public bool IsDuplicate { get; private set; }

    public List<StagedSagaWrite> Sagas { get; } = [];

    public List<OutboxRecord> Messages { get; } = [];

    /// <summary>The outbox row written by the commit, when the message published or sent anything.</summary>
    public OutboxBatch? Batch { get; private set; }

    public bool HasMessages => Messages.Count > 0;

    /// <summary>Run once the commit succeeded (<see cref="SagaCommitExtensions.AfterCommit"/>).</summary>
    public List<Action> AfterCommit { get; } = [];

    public void MarkDuplicate()
    {
        IsDuplicate = true;
        Sagas.Clear();
        Messages.Clear();
        AfterCommit.Clear();
        Batch = null;
    }

    public StoreCommit ToCommit(DateTimeOffset at)
    {
        Batch = Messages.Count > 0 ? new OutboxBatch(Origin, Messages.ToArray()) : null;
        return new StoreCommit { At = at, Inbox = Inbox, Sagas = Sagas.ToArray(), Outbox = Batch };
    }
}
