namespace Mlops.SagaStore;

/// <summary>
/// The transactional outbox for code outside a consumer that must not lose what it sends, such as an HTTP handler taking a
/// webhook or an ops command: it records what it must remember and publishes in one transaction, and answers after the commit.
/// </summary>
public interface ISagaStoreOutbox
{
    /// <summary>
    /// Runs <paramref name="work"/>, then commits its records and messages in one transaction and returns; the messages are
    /// delivered after the commit (at least once on the wire; the consumers' inbox makes them count once).
    /// </summary>
    Task<OutboxCommitResult> CommitAsync(Func<IOutboxTransaction, Task> work, CancellationToken cancellationToken = default);

    /// <summary>Whether <paramref name="key"/> was recorded under <paramref name="kind"/>, e.g. to answer a repeated webhook early.</summary>
    Task<bool> HasRecordAsync(string kind, string key, CancellationToken cancellationToken = default);
}
