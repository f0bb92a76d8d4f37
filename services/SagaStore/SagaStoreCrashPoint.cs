namespace Mlops.SagaStore;

/// <summary>Where the test-only crash hook (<c>SagaStore:Testing:CrashAt</c>) kills the process; never set in production.</summary>
public enum SagaStoreCrashPoint
{
    /// <summary>Right after a transaction that wrote outbox messages commits, before any of them is delivered.</summary>
    AfterCommit = 1,

    /// <summary>Right after the broker confirmed the first message of such a transaction, before it is marked delivered.</summary>
    DuringDelivery = 2,
}
