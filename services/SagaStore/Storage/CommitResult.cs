namespace Mlops.SagaStore.Storage;

/// <summary>How a commit ended: stored, refused because its message or record was already there, or lost to a concurrent writer.</summary>
internal sealed record CommitResult(CommitStatus Status, StagedSagaWrite? Conflict = null)
{
    public static readonly CommitResult Committed = new(CommitStatus.Committed);
    public static readonly CommitResult Duplicate = new(CommitStatus.Duplicate);
}

/// <summary>The outcome of <see cref="SagaDatabase.CommitAsync"/>.</summary>
internal enum CommitStatus
{
    Committed,

    /// <summary>The inbox already held the message (or the records table the key): nothing was written.</summary>
    Duplicate,

    /// <summary>A saga row was changed or created by someone else since it was read: nothing was written.</summary>
    Conflict,
}
