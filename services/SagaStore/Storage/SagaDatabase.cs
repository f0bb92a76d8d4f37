using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using Mlops.SagaStore.Mapping;
using Mlops.SagaStore.Outbox;

namespace Mlops.SagaStore.Storage;

/// <summary>
/// The SQL a saga store needs. What both engines accept (reads, paging, the write statements, binding and reading rows)
/// is here over ADO.NET; each engine adds its connections and transactions, locking, DDL and column types.
/// </summary>
internal abstract class SagaDatabase : IAsyncDisposable
{
    /// <summary>Layout version of the shared tables this build writes; a database with a higher one is refused.</summary>
    public const int SchemaVersion = 2;

    protected const string RowColumns =
        "correlation_id, state, flow_id, version, data, created_at, updated_at, finished_at, deadline_at, deadline_event, deadline_error";

    protected const string HistoryColumns =
        "id, saga_type, correlation_id, occurred_at, event, from_state, to_state, message_id, error";

    /// <summary>The start of every history insert; the engine adds where the values come from.</summary>
    protected const string InsertHistory =
        "INSERT INTO saga_history (saga_type, correlation_id, occurred_at, event, from_state, to_state, message_id, error) ";

    protected const string AppendHistorySql =
        InsertHistory + "VALUES (@saga_type, @id, @at, @event, @from_state, @to_state, @message_id, @error)";

    protected const string InsertInboxSql =
        "INSERT INTO saga_inbox (consumer_id, message_id, received_at) VALUES (@inbox_consumer, @inbox_message, @at)";

    protected const string InsertOutboxSql =
        "INSERT INTO saga_outbox (created_at, available_at, origin, message_count, delivered, messages) " +
        "VALUES (@at, @available, @origin, @message_count, 0, @messages)";

    protected const string MarkCompleteSql =
        "UPDATE saga_outbox SET delivered = @message_count, delivered_at = @at WHERE id = @id AND delivered_at IS NULL";

    // Only forward: a slower report of fewer confirmed messages must not make a dispatcher send them again.
    protected const string MarkPartialSql =
        "UPDATE saga_outbox SET delivered = @message_count WHERE id = @id AND delivered_at IS NULL AND delivered < @message_count";

    // The inbox check rides on the saga read: one round trip tells whether the message is a redelivery and what the saga is.
    private const string SeenColumn =
        "(SELECT 1 FROM saga_inbox WHERE consumer_id = @inbox_consumer AND message_id = @inbox_message) AS seen";

    private readonly ConcurrentDictionary<string, string> _statements = new();

    protected SagaDatabase(ParameterNames names, TimeSpan outboxLease)
    {
        Names = names;
        OutboxLease = outboxLease;
    }

    public abstract string Provider { get; }

    /// <summary>Where the store is, for logs and errors: host, port and database, or the file; never a password.</summary>
    public abstract string Location { get; }

    protected ParameterNames Names { get; }

    /// <summary>How long the writer of an outbox row has to deliver it before any dispatcher may.</summary>
    protected TimeSpan OutboxLease { get; }

    /// <summary>Creates or upgrades the schema and every saga table; safe to run from several replicas at once.</summary>
    public abstract Task MigrateAsync(IReadOnlyCollection<SagaMap> maps, CancellationToken cancellationToken);

    /// <summary>Reads one instance and, when <paramref name="inbox"/> is given, whether that message was consumed already.</summary>
    public async Task<SagaLoad> LoadAsync(SagaMap map, Guid correlationId, InboxKey? inbox, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection, Statement(map, "load", () =>
            $"SELECT {SeenColumn}, {Prefixed("s")} FROM (SELECT 1 AS one) v LEFT JOIN {map.Table} s ON s.correlation_id = @id"));
        SetGuid(Add(command, Names.Id), correlationId);
        BindInbox(command, inbox);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return new SagaLoad(false, null);
        return new SagaLoad(!reader.IsDBNull(0), reader.IsDBNull(1) ? null : ReadRow(reader, 1));
    }

    /// <summary>At most <paramref name="limit"/> instances matching a correlation filter over indexed columns, with the inbox check.</summary>
    public async Task<SagaQueryResult> QueryAsync(SagaMap map, SqlFilter filter, InboxKey? inbox, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection,
            $"SELECT {SeenColumn}, s.* FROM (SELECT 1 AS one) v " +
            $"LEFT JOIN (SELECT {RowColumns} FROM {map.Table} WHERE {filter.Where} LIMIT @limit) s ON 1 = 1");
        foreach (var (name, value) in filter.Parameters)
        {
            var parameter = Add(command, name);
            if (value is Guid id)
                SetGuid(parameter, id);
            else
            {
                parameter.DbType = DbType.String;
                parameter.Value = value ?? DBNull.Value;
            }
        }
        BindInbox(command, inbox);
        AddInt(command, Names.Limit, limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var seen = false;
        var rows = new List<SagaRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            seen |= !reader.IsDBNull(0);
            if (!reader.IsDBNull(1))
                rows.Add(ReadRow(reader, 1));
        }
        return new SagaQueryResult(seen, rows);
    }

    /// <summary>Whether a consumer has already consumed the message: the inbox check of consumers that are not sagas.</summary>
    public async Task<bool> InboxContainsAsync(InboxKey inbox, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT 1 FROM saga_inbox WHERE consumer_id = @inbox_consumer AND message_id = @inbox_message");
        BindInbox(command, inbox);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>Whether a key was recorded through the outbox API.</summary>
    public async Task<bool> HasRecordAsync(string kind, string key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection, "SELECT 1 FROM saga_store_records WHERE kind = @kind AND key = @key");
        AddText(command, Names.Kind, kind);
        AddText(command, Names.Key, key);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>
    /// Writes the inbox row, the saga rows with their history, the records and the outbox row in one transaction, or nothing:
    /// a message already in the inbox (or a key already recorded) gives <see cref="CommitStatus.Duplicate"/>, a saga row
    /// changed since it was read gives <see cref="CommitStatus.Conflict"/>. Sets the outbox batch's id when one is stored.
    /// </summary>
    public abstract Task<CommitResult> CommitAsync(StoreCommit commit, CancellationToken cancellationToken);

    /// <summary>Inserts version 1 before its first event (MassTransit's pre-insert); false when the instance already exists.</summary>
    public abstract Task<bool> InsertAsync(SagaMap map, SagaWrite write, CancellationToken cancellationToken);

    public abstract Task AppendHistoryAsync(SagaMap map, Guid correlationId, TransitionRecord record, DateTimeOffset at,
        CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="limit"/> passed deadlines, has <paramref name="build"/> make each timeout message and, in
    /// one transaction, writes them to the outbox and clears their deadlines; a deadline whose message cannot be built is
    /// quarantined with the error instead. Returns the stored outbox batches, to be delivered after the commit.
    /// </summary>
    public abstract Task<IReadOnlyList<DeadlineFiring>> FireDueDeadlinesAsync(SagaMap map, DateTimeOffset now, int limit,
        Func<DueDeadline, Task<OutboxBatch>> build, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="limit"/> outbox transactions that nobody delivered and whose lease has passed, leasing
    /// them until <paramref name="leaseUntil"/> so that no other dispatcher delivers them meanwhile.
    /// </summary>
    public abstract Task<IReadOnlyList<ClaimedOutbox>> ClaimOutboxAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit,
        CancellationToken cancellationToken);

    /// <summary>Records what the broker confirmed; complete transactions are marked delivered.</summary>
    public abstract Task MarkDeliveredAsync(IReadOnlyList<OutboxProgress> progress, DateTimeOffset at, CancellationToken cancellationToken);

    public abstract Task<int> PurgeFinishedAsync(SagaMap map, DateTimeOffset finishedBefore, CancellationToken cancellationToken);

    /// <summary>Removes inbox rows and records older than <paramref name="inboxBefore"/> and outbox rows delivered before <paramref name="deliveredBefore"/>.</summary>
    public abstract Task<StoreCleanup> CleanupAsync(DateTimeOffset inboxBefore, DateTimeOffset deliveredBefore, CancellationToken cancellationToken);

    /// <summary>Newest first, filtered on the state and FlowId columns, or only instances with a quarantined deadline.</summary>
    public async Task<IReadOnlyList<SagaRow>> ListAsync(SagaMap map, SagaInstanceQuery query, int offset, int limit,
        CancellationToken cancellationToken)
    {
        var where = new List<string>();
        if (query.State is not null)
            where.Add("state = @state");
        if (query.FlowId is not null)
            where.Add("flow_id = @flow_id");
        if (query.QuarantinedDeadlines)
            where.Add("deadline_error IS NOT NULL");
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection,
            $"SELECT {RowColumns} FROM {map.Table}" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") +
            " ORDER BY created_at DESC, correlation_id LIMIT @limit OFFSET @offset");
        if (query.State is not null)
            AddText(command, Names.State, query.State);
        if (query.FlowId is not null)
            AddText(command, Names.FlowId, query.FlowId);
        AddInt(command, Names.Limit, limit);
        AddInt(command, Names.Offset, offset);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<SagaRow>();
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(ReadRow(reader, 0));
        return rows;
    }

    public async Task<IReadOnlyList<SagaHistoryEntry>> HistoryAsync(SagaMap map, Guid correlationId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection,
            $"SELECT {HistoryColumns} FROM saga_history WHERE correlation_id = @id AND saga_type = @saga_type ORDER BY id");
        SetGuid(Add(command, Names.Id), correlationId);
        AddText(command, Names.SagaType, map.Name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<SagaHistoryEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new SagaHistoryEntry
            {
                Sequence = reader.GetInt64(0),
                SagaType = reader.GetString(1),
                CorrelationId = GetGuid(reader, 2),
                OccurredAt = GetTime(reader, 3),
                Event = reader.GetString(4),
                FromState = reader.IsDBNull(5) ? null : reader.GetString(5),
                ToState = reader.IsDBNull(6) ? null : reader.GetString(6),
                MessageId = reader.IsDBNull(7) ? null : GetGuid(reader, 7),
                Error = reader.IsDBNull(8) ? null : reader.GetString(8),
            });
        }
        return entries;
    }

    /// <summary>Outbox transactions not delivered yet and the time the oldest was written, for the ops API.</summary>
    public async Task<OutboxBacklog> OutboxBacklogAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT count(*), min(created_at) FROM saga_outbox WHERE delivered_at IS NULL");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new OutboxBacklog(Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
            reader.IsDBNull(1) ? null : GetTime(reader, 1));
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection, "SELECT 1");
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public abstract ValueTask DisposeAsync();

    /// <summary>An open connection for statements that only read; disposing it gives it back.</summary>
    protected abstract ValueTask<DbConnection> OpenReaderAsync(CancellationToken cancellationToken);

    /// <summary>Sets a saga or message id in this engine's column type.</summary>
    protected abstract void SetGuid(DbParameter parameter, Guid? value);

    /// <summary>Sets a time in this engine's column type.</summary>
    protected abstract void SetTime(DbParameter parameter, DateTimeOffset? value);

    /// <summary>Sets the saga's JSON document in this engine's column type.</summary>
    protected abstract void SetDocument(DbParameter parameter, string json);

    protected abstract Guid GetGuid(DbDataReader reader, int ordinal);

    protected abstract DateTimeOffset GetTime(DbDataReader reader, int ordinal);

    /// <summary>The insert of version 1, which does nothing when the instance already exists.</summary>
    protected string InsertStatement(SagaMap map) =>
        Statement(map, "insert", () =>
        {
            var indexColumns = string.Concat(map.Indexes.Select(i => ", " + i.Column));
            var indexValues = string.Concat(map.Indexes.Select((_, n) => $", @ix{n}"));
            return $"INSERT INTO {map.Table} ({RowColumns}{indexColumns}) " +
                $"VALUES (@id, @state, @flow_id, 1, @data, @at, @at, @finished_at, @deadline_at, @deadline_event, NULL{indexValues}) " +
                "ON CONFLICT (correlation_id) DO NOTHING";
        });

    protected void BindInsert(DbCommand command, SagaMap map, SagaWrite write)
    {
        BindWrite(command, map, write, write.Deadline ?? DeadlineChange.Clear);
        SetTime(Add(command, Names.FinishedAt), write.Finished ? write.At : null);
    }

    /// <summary>The update of the next version, guarded by the version that was read.</summary>
    protected string UpdateStatement(SagaMap map, SagaWrite write)
    {
        var deadline = DeadlineWritten(write);
        var variant = (deadline is null ? "" : "+deadline") + (write.Finished ? "+finished" : "");
        return Statement(map, "update" + variant, () =>
        {
            var set = "state = @state, flow_id = @flow_id, version = version + 1, data = @data, updated_at = @at"
                + (write.Finished ? ", finished_at = @at" : "")
                // A new deadline (or none) also lifts a quarantine: the saga moved on.
                + (deadline is null ? "" : ", deadline_at = @deadline_at, deadline_event = @deadline_event, deadline_error = NULL")
                + string.Concat(map.Indexes.Select((i, n) => $", {i.Column} = @ix{n}"));
            return $"UPDATE {map.Table} SET {set} WHERE correlation_id = @id AND version = @expected";
        });
    }

    protected void BindUpdate(DbCommand command, SagaMap map, SagaWrite write, int expectedVersion)
    {
        BindWrite(command, map, write, DeadlineWritten(write));
        AddInt(command, Names.Expected, expectedVersion);
    }

    /// <summary>Binds the write of <paramref name="staged"/> (insert or update) with its history line.</summary>
    protected void BindStaged(DbCommand command, StagedSagaWrite staged)
    {
        if (staged.ExpectedVersion is { } expected)
            BindUpdate(command, staged.Map, staged.Write, expected);
        else
            BindInsert(command, staged.Map, staged.Write);
        if (staged.Write.History is { } history)
            BindHistory(command, staged.Map, history);
    }

    /// <summary>Which statement a staged write needs, as a key for statement caches.</summary>
    protected static string WriteVariant(StagedSagaWrite staged) =>
        staged.IsInsert ? "insert" : "update" + (DeadlineWritten(staged.Write) is null ? "" : "+deadline") + (staged.Write.Finished ? "+finished" : "");

    protected string WriteStatement(StagedSagaWrite staged) =>
        staged.IsInsert ? InsertStatement(staged.Map) : UpdateStatement(staged.Map, staged.Write);

    protected void BindAppendHistory(DbCommand command, SagaMap map, Guid correlationId, TransitionRecord record, DateTimeOffset at)
    {
        SetGuid(Add(command, Names.Id), correlationId);
        SetTime(Add(command, Names.At), at);
        BindHistory(command, map, record);
    }

    protected void BindInbox(DbCommand command, InboxKey? inbox)
    {
        SetGuid(Add(command, Names.InboxConsumer), inbox?.ConsumerId);
        SetGuid(Add(command, Names.InboxMessage), inbox?.MessageId);
    }

    protected void BindOutbox(DbCommand command, OutboxBatch batch, DateTimeOffset available)
    {
        SetTime(Add(command, Names.Available), available);
        AddText(command, Names.Origin, batch.Origin);
        AddInt(command, Names.MessageCount, batch.Messages.Count);
        AddText(command, Names.Messages, batch.Serialize());
    }

    /// <summary>When others may deliver what a transaction stored: the writer delivers it first, under this lease.</summary>
    protected DateTimeOffset AvailableAt(DateTimeOffset committedAt) => committedAt + OutboxLease;

    /// <summary>The due deadlines, oldest first, bounded; <paramref name="claimLock"/> lets the engine lock them.</summary>
    protected static string ClaimDueSql(SagaMap map, string claimLock) =>
        $"SELECT correlation_id, flow_id, deadline_at, deadline_event FROM {map.Table} " +
        $"WHERE deadline_at <= @now ORDER BY deadline_at LIMIT @limit{claimLock}";

    protected async Task<List<DueDeadline>> ReadDueAsync(DbCommand claim, DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        SetTime(Add(claim, Names.Now), now);
        AddInt(claim, Names.Limit, limit);
        await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
        var due = new List<DueDeadline>();
        while (await reader.ReadAsync(cancellationToken))
        {
            due.Add(new DueDeadline(GetGuid(reader, 0), reader.IsDBNull(1) ? null : reader.GetString(1),
                GetTime(reader, 2), reader.IsDBNull(3) ? "" : reader.GetString(3)));
        }
        return due;
    }

    /// <summary>Builds each deadline's timeout message; one that cannot be built is kept with its error instead of stopping the rest.</summary>
    protected static async Task<List<DeadlineFiring>> BuildTimeoutsAsync(IEnumerable<DueDeadline> due, Func<DueDeadline, Task<OutboxBatch>> build)
    {
        var firings = new List<DeadlineFiring>();
        foreach (var deadline in due)
        {
            try
            {
                firings.Add(new DeadlineFiring(deadline, await build(deadline), null));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                firings.Add(new DeadlineFiring(deadline, null, $"{deadline.DeadlineAt:O} {deadline.EventType}: {ex.GetType().Name}: {ex.Message}"));
            }
        }
        return firings;
    }

    /// <summary>Clears a fired deadline, only if it is still the one that was claimed (a transition may have replaced it).</summary>
    protected static string ClearDeadlineSql(SagaMap map) =>
        $"UPDATE {map.Table} SET deadline_at = NULL, deadline_event = NULL " +
        "WHERE correlation_id = @id AND deadline_at = @deadline_at AND deadline_event = @deadline_event";

    /// <summary>Takes a deadline that cannot fire out of the sweep, keeping why in <c>deadline_error</c> for the ops API.</summary>
    protected static string QuarantineDeadlineSql(SagaMap map) =>
        $"UPDATE {map.Table} SET deadline_at = NULL, deadline_error = @deadline_error " +
        "WHERE correlation_id = @id AND deadline_at = @deadline_at AND deadline_event = @deadline_event";

    protected void BindDeadlineGuard(DbCommand command, DueDeadline deadline)
    {
        SetGuid(Add(command, Names.Id), deadline.CorrelationId);
        SetTime(Add(command, Names.DeadlineAt), deadline.DeadlineAt);
        AddText(command, Names.DeadlineEvent, deadline.EventType);
    }

    protected void BindDeadlineError(DbCommand command, string error) => AddText(command, Names.DeadlineError, error);

    /// <summary>The indexes of a saga table: the same statements on both engines, so their layouts cannot drift apart.</summary>
    protected static string SagaTableIndexes(string t) => $"""
        CREATE INDEX IF NOT EXISTS {t}_created ON {t} (created_at DESC);
        CREATE INDEX IF NOT EXISTS {t}_state ON {t} (state, created_at DESC);
        CREATE INDEX IF NOT EXISTS {t}_flow_id ON {t} (flow_id);
        CREATE INDEX IF NOT EXISTS {t}_deadline ON {t} (deadline_at) WHERE deadline_at IS NOT NULL;
        CREATE INDEX IF NOT EXISTS {t}_finished ON {t} (finished_at) WHERE finished_at IS NOT NULL;
        CREATE INDEX IF NOT EXISTS {t}_deadline_error ON {t} (created_at) WHERE deadline_error IS NOT NULL;
        """;

    /// <summary>Indexes of the inbox, outbox and records tables, alike on both engines.</summary>
    protected const string OutboxIndexes = """
        CREATE INDEX IF NOT EXISTS saga_inbox_received ON saga_inbox (received_at);
        CREATE INDEX IF NOT EXISTS saga_outbox_pending ON saga_outbox (id) WHERE delivered_at IS NULL;
        CREATE INDEX IF NOT EXISTS saga_outbox_delivered ON saga_outbox (delivered_at) WHERE delivered_at IS NOT NULL;
        CREATE INDEX IF NOT EXISTS saga_store_records_recorded ON saga_store_records (recorded_at);
        """;

    protected static SagaStoreSchemaException NewerSchema(int found) =>
        new($"The saga store database has schema version {found}, newer than version {SchemaVersion} that this build knows. " +
            "A newer release of the service has upgraded it; run that release, or restore a backup taken before the upgrade.");

    protected static DbCommand Command(DbConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    protected static DbParameter Add(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }

    protected static void AddText(DbCommand command, string name, string? value)
    {
        var parameter = Add(command, name);
        parameter.DbType = DbType.String;
        parameter.Value = (object?)value ?? DBNull.Value;
    }

    protected static void AddInt(DbCommand command, string name, int value)
    {
        var parameter = Add(command, name);
        parameter.DbType = DbType.Int32;
        parameter.Value = value;
    }

    protected string Statement(SagaMap? map, string kind, Func<string> build) =>
        _statements.GetOrAdd((map?.Table ?? "") + "/" + kind, _ => build());

    // A finished saga keeps no deadline; otherwise the deadline columns are written only when the transition changed them.
    private static DeadlineChange? DeadlineWritten(SagaWrite write) => write.Finished ? DeadlineChange.Clear : write.Deadline;

    private void BindWrite(DbCommand command, SagaMap map, SagaWrite write, DeadlineChange? deadline)
    {
        SetGuid(Add(command, Names.Id), write.CorrelationId);
        AddText(command, Names.State, write.State);
        AddText(command, Names.FlowId, write.FlowId);
        SetDocument(Add(command, Names.Data), write.Data);
        SetTime(Add(command, Names.At), write.At);
        if (deadline is not null)
        {
            SetTime(Add(command, Names.DeadlineAt), deadline.At);
            AddText(command, Names.DeadlineEvent, deadline.EventType);
        }
        for (var n = 0; n < map.Indexes.Count; n++)
            AddText(command, Names.Index(n), write.IndexValues[n]);
    }

    private void BindHistory(DbCommand command, SagaMap map, TransitionRecord record)
    {
        AddText(command, Names.SagaType, map.Name);
        AddText(command, Names.Event, record.Event);
        AddText(command, Names.FromState, record.FromState);
        AddText(command, Names.ToState, record.ToState);
        SetGuid(Add(command, Names.MessageId), record.MessageId);
        AddText(command, Names.Error, record.Error);
    }

    private static string Prefixed(string alias) => string.Join(", ", RowColumns.Split(", ").Select(c => alias + "." + c));

    private SagaRow ReadRow(DbDataReader reader, int first) => new(
        GetGuid(reader, first),
        reader.IsDBNull(first + 1) ? null : reader.GetString(first + 1),
        reader.IsDBNull(first + 2) ? null : reader.GetString(first + 2),
        reader.GetInt32(first + 3),
        reader.GetString(first + 4),
        GetTime(reader, first + 5),
        GetTime(reader, first + 6),
        reader.IsDBNull(first + 7) ? null : GetTime(reader, first + 7),
        reader.IsDBNull(first + 8) ? null : GetTime(reader, first + 8),
        reader.IsDBNull(first + 9) ? null : reader.GetString(first + 9),
        reader.IsDBNull(first + 10) ? null : reader.GetString(first + 10));
}
