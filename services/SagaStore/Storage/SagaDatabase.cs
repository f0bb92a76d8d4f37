using Mlops.SagaStore.Mapping;

namespace Mlops.SagaStore.Storage;

/// <summary>The SQL a saga store needs, implemented once per database engine.</summary>
internal abstract class SagaDatabase : IAsyncDisposable
{
    /// <summary>Layout version of the shared tables this build writes; a database with a higher one is refused.</summary>
    public const int SchemaVersion = 1;

    protected const string RowColumns =
        "correlation_id, state, flow_id, version, data, created_at, updated_at, finished_at, deadline_at, deadline_event";

    protected const string HistoryColumns =
        "id, saga_type, correlation_id, occurred_at, event, from_state, to_state, message_id, error";

    public abstract string Provider { get; }

    /// <summary>Creates or upgrades the schema and every saga table; safe to run from several replicas at once.</summary>
    public abstract Task MigrateAsync(IReadOnlyCollection<SagaMap> maps, CancellationToken cancellationToken);

    public abstract Task<SagaRow?> LoadAsync(SagaMap map, Guid correlationId, CancellationToken cancellationToken);

    public abstract Task<IReadOnlyList<SagaRow>> QueryAsync(SagaMap map, SqlFilter filter, CancellationToken cancellationToken);

    /// <summary>Inserts version 1; false when the instance already exists.</summary>
    public abstract Task<bool> InsertAsync(SagaMap map, SagaWrite write, CancellationToken cancellationToken);

    /// <summary>Writes the next version; false when the stored version is no longer <paramref name="expectedVersion"/>.</summary>
    public abstract Task<bool> UpdateAsync(SagaMap map, SagaWrite write, int expectedVersion, CancellationToken cancellationToken);

    public abstract Task AppendHistoryAsync(SagaMap map, Guid correlationId, TransitionRecord record, DateTimeOffset at,
        CancellationToken cancellationToken);

    /// <summary>
    /// Claims due deadlines, hands each to <paramref name="publish"/> and clears them in one transaction, so a deadline is
    /// cleared only once its event is published and a second sweeper never sees it.
    /// </summary>
    public abstract Task<int> FireDueDeadlinesAsync(SagaMap map, DateTimeOffset now, int limit, Func<DueDeadline, Task> publish,
        CancellationToken cancellationToken);

    public abstract Task<int> PurgeFinishedAsync(SagaMap map, DateTimeOffset finishedBefore, CancellationToken cancellationToken);

    /// <summary>Newest first, filtered on the state and FlowId columns.</summary>
    public abstract Task<IReadOnlyList<SagaRow>> ListAsync(SagaMap map, string? state, string? flowId, int offset, int limit,
        CancellationToken cancellationToken);

    public abstract Task<IReadOnlyList<SagaHistoryEntry>> HistoryAsync(SagaMap map, Guid correlationId, CancellationToken cancellationToken);

    public abstract Task PingAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    protected static SagaStoreSchemaException NewerSchema(int found) =>
        new($"The saga store database has schema version {found}, newer than version {SchemaVersion} that this build knows. " +
            "A newer release of the service has upgraded it; run that release, or restore a backup taken before the upgrade.");
}
