namespace Mlops.SagaStore;

/// <summary>How an outbox API transaction ended.</summary>
public enum OutboxCommitResult
{
    /// <summary>Committed: its records are stored and its messages will be delivered.</summary>
    Committed = 1,

    /// <summary>One of its keys was recorded before (a repeated delivery): nothing was written or sent.</summary>
    AlreadyRecorded = 2,
}
