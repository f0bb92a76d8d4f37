using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using Mlops.SagaStore.Mapping;

namespace Mlops.SagaStore.Storage;

/// <summary>
/// The SQL a saga store needs. What both engines accept (reads, paging, the write statements, binding and reading rows)
/// is here over ADO.NET; each engine adds its connections and transactions, locking, DDL and column types.
/// </summary>
internal abstract class SagaDatabase : IAsyncDisposable
{
    /// <summary>Layout version of the shared tables this build writes; a database with a higher one is refused.</summary>
    public const int SchemaVersion = 1;

    protected const string RowColumns =
        "correlation_id, state, flow_id, version, data, created_at, updated_at, finished_at, deadline_at, deadline_event";

    protected const string HistoryColumns =
        "id, saga_type, correlation_id, occurred_at, event, from_state, to_state, message_id, error";

    /// <summary>The start of every history insert; the engine adds where the values come from.</summary>
    protected const string InsertHistory =
        "INSERT INTO saga_history (saga_type, correlation_id, occurred_at, event, from_state, to_state, message_id, error) ";

    protected const string AppendHistorySql =
        InsertHistory + "VALUES (@saga_type, @id, @at, @event, @from_state, @to_state, @message_id, @error)";

    private readonly ConcurrentDictionary<string, string> _statements = new();

    protected SagaDatabase(ParameterNames names) => Names = names;

    public abstract string Provider { get; }

    protected ParameterNames Names { get; }

    /// <summary>Appended to the deadline claim so that a second sweeper cannot claim the same rows.</summary>
    protected abstract string ClaimLock { get; }

    /// <summary>Creates or upgrades the schema and every saga table; safe to run from several replicas at once.</summary>
    public abstract Task MigrateAsync(IReadOnlyCollection<SagaMap> maps, CancellationToken cancellationToken);

    public async Task<SagaRow?> LoadAsync(SagaMap map, Guid correlationId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection,
            Statement(map, "load", () => $"SELECT {RowColumns} FROM {map.Table} WHERE correlation_id = @id"));
        SetGuid(Add(command, Names.Id), correlationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRow(reader) : null;
    }

    public async Task<IReadOnlyList<SagaRow>> QueryAsync(SagaMap map, SqlFilter filter, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {RowColumns} FROM {map.Table} WHERE {filter.Where}");
        foreach (var (name, value) in filter.Parameters)
        {
            var parameter = Add(command, name);
            if (value is Guid id)
                SetGuid(parameter, id);
            else
                parameter.Value = value ?? DBNull.Value;
        }
        return await ReadRowsAsync(command, cancellationToken);
    }

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
    public async Task<IReadOnlyList<SagaRow>> ListAsync(SagaMap map, string? state, string? flowId, int offset, int limit,
        CancellationToken cancellationToken)
    {
        var where = new List<string>();
        if (state is not null)
            where.Add("state = @state");
        if (flowId is not null)
            where.Add("flow_id = @flow_id");
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection,
            $"SELECT {RowColumns} FROM {map.Table}" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") +
            " ORDER BY created_at DESC, correlation_id LIMIT @limit OFFSET @offset");
        if (state is not null)
            AddText(command, Names.State, state);
        if (flowId is not null)
            AddText(command, Names.FlowId, flowId);
        AddInt(command, Names.Limit, limit);
        AddInt(command, Names.Offset, offset);
        return await ReadRowsAsync(command, cancellationToken);
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

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection, "SELECT 1");
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public abstract ValueTask DisposeAsync();

    /// <summary>An open connection for statements that only read; disposing it gives it back.</summary>
    protected abstract ValueTask<DbConnection> OpenReaderAsync(CancellationToken cancellationToken);

    /// <summary>Makes <paramref name="write"/> also append the history line, only when it changed a row.</summary>
    protected abstract string ThenAppendHistory(string write);

    /// <summary>Sets a saga or message id in this engine's column type.</summary>
    protected abstract void SetGuid(DbParameter parameter, Guid? value);

    /// <summary>Sets a time in this engine's column type.</summary>
    protected abstract void SetTime(DbParameter parameter, DateTimeOffset? value);

    /// <summary>Sets the saga's JSON document in this engine's column type.</summary>
    protected abstract void SetDocument(DbParameter parameter, string json);

    protected abstract Guid GetGuid(DbDataReader reader, int ordinal);

    protected abstract DateTimeOffset GetTime(DbDataReader reader, int ordinal);

    /// <summary>The insert of <paramref name="write"/>, which does nothing when the instance already exists.</summary>
    protected string InsertStatement(SagaMap map, SagaWrite write)
    {
        var withHistory = write.History is not null;
        return Statement(map, withHistory ? "insert+history" : "insert", () =>
        {
            var indexColumns = string.Concat(map.Indexes.Select(i => ", " + i.Column));
            var indexValues = string.Concat(map.Indexes.Select((_, n) => $", @ix{n}"));
            var insert =
                $"INSERT INTO {map.Table} ({RowColumns}{indexColumns}) " +
                $"VALUES (@id, @state, @flow_id, 1, @data, @at, @at, @finished_at, @deadline_at, @deadline_event{indexValues}) " +
                "ON CONFLICT (correlation_id) DO NOTHING";
            return withHistory ? ThenAppendHistory(insert) : insert;
        });
    }

    protected void BindInsert(DbCommand command, SagaMap map, SagaWrite write)
    {
        BindWrite(command, map, write, write.Deadline ?? DeadlineChange.Clear);
        SetTime(Add(command, Names.FinishedAt), write.Finished ? write.At : null);
    }

    /// <summary>The update of <paramref name="write"/> with its history line, guarded by the version that was read.</summary>
    protected string UpdateStatement(SagaMap map, SagaWrite write)
    {
        var deadline = DeadlineWritten(write);
        var variant = (deadline is null ? "" : "+deadline") + (write.Finished ? "+finished" : "");
        return Statement(map, "update" + variant, () =>
        {
            var set = "state = @state, flow_id = @flow_id, version = version + 1, data = @data, updated_at = @at"
                + (write.Finished ? ", finished_at = @at" : "")
                + (deadline is null ? "" : ", deadline_at = @deadline_at, deadline_event = @deadline_event")
                + string.Concat(map.Indexes.Select((i, n) => $", {i.Column} = @ix{n}"));
            return ThenAppendHistory($"UPDATE {map.Table} SET {set} WHERE correlation_id = @id AND version = @expected");
        });
    }

    protected void BindUpdate(DbCommand command, SagaMap map, SagaWrite write, int expectedVersion)
    {
        BindWrite(command, map, write, DeadlineWritten(write));
        AddInt(command, Names.Expected, expectedVersion);
    }

    protected void BindAppendHistory(DbCommand command, SagaMap map, Guid correlationId, TransitionRecord record, DateTimeOffset at)
    {
        SetGuid(Add(command, Names.Id), correlationId);
        SetTime(Add(command, Names.At), at);
        BindHistory(command, map, record);
    }

    /// <summary>Reads up to <paramref name="limit"/> passed deadlines, oldest first, claimed with <see cref="ClaimLock"/>.</summary>
    protected async Task<List<DueDeadline>> ClaimDueAsync(DbConnection connection, DbTransaction transaction, SagaMap map,
        DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var claim = Command(connection,
            $"SELECT correlation_id, flow_id, deadline_at, deadline_event FROM {map.Table} " +
            $"WHERE deadline_at <= @now ORDER BY deadline_at LIMIT @limit{ClaimLock}");
        claim.Transaction = transaction;
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

    /// <summary>The indexes of a saga table: the same statements on both engines, so their layouts cannot drift apart.</summary>
    protected static string SagaTableIndexes(string t) => $"""
        CREATE INDEX IF NOT EXISTS {t}_created ON {t} (created_at DESC);
        CREATE INDEX IF NOT EXISTS {t}_state ON {t} (state, created_at DESC);
        CREATE INDEX IF NOT EXISTS {t}_flow_id ON {t} (flow_id);
        CREATE INDEX IF NOT EXISTS {t}_deadline ON {t} (deadline_at) WHERE deadline_at IS NOT NULL;
        CREATE INDEX IF NOT EXISTS {t}_finished ON {t} (finished_at) WHERE finished_at IS NOT NULL;
        """;

    protected static SagaStoreSchemaException NewerSchema(int found) =>
        new($"The saga store database has schema version {found}, newer than version {SchemaVersion} that this build knows. " +
            "A newer release of the service has upgraded it; run that release, or restore a backup taken before the upgrade.");

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
        if (write.History is { } history)
            BindHistory(command, map, history);
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

    private string Statement(SagaMap map, string kind, Func<string> build) =>
        _statements.GetOrAdd(map.Table + "/" + kind, _ => build());

    private async Task<IReadOnlyList<SagaRow>> ReadRowsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<SagaRow>();
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(ReadRow(reader));
        return rows;
    }

    private SagaRow ReadRow(DbDataReader reader) => new(
        GetGuid(reader, 0),
        reader.IsDBNull(1) ? null : reader.GetString(1),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        reader.GetInt32(3),
        reader.GetString(4),
        GetTime(reader, 5),
        GetTime(reader, 6),
        reader.IsDBNull(7) ? null : GetTime(reader, 7),
        reader.IsDBNull(8) ? null : GetTime(reader, 8),
        reader.IsDBNull(9) ? null : reader.GetString(9));

    private static DbCommand Command(DbConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private static DbParameter Add(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }

    private static void AddText(DbCommand command, string name, string? value)
    {
        var parameter = Add(command, name);
        parameter.DbType = DbType.String;
        parameter.Value = (object?)value ?? DBNull.Value;
    }

    private static void AddInt(DbCommand command, string name, int value)
    {
        var parameter = Add(command, name);
        parameter.DbType = DbType.Int32;
        parameter.Value = value;
    }
}
