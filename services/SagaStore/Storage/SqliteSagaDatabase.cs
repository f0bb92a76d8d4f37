using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Mlops.SagaStore.Mapping;

namespace Mlops.SagaStore.Storage;

/// <summary>
/// Saga store in one SQLite file (WAL) for a single replica. Reads use pooled connections; every write goes through one
/// connection per file in this process, because SQLite admits one writer at a time and queuing here is cheaper than
/// retrying on SQLITE_BUSY.
/// </summary>
internal sealed class SqliteSagaDatabase : SagaDatabase
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> WriterLocks = new(StringComparer.Ordinal);

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writerLock;
    private readonly Dictionary<string, SqliteCommand> _writerCommands = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _statements = new();
    private SqliteConnection? _writer;

    public SqliteSagaDatabase(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true, Mode = SqliteOpenMode.ReadWriteCreate };
        if (builder.DefaultTimeout < 30)
            builder.DefaultTimeout = 30;
        var file = Path.GetFullPath(builder.DataSource);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        builder.DataSource = file;
        _connectionString = builder.ToString();
        _writerLock = WriterLocks.GetOrAdd(file, _ => new SemaphoreSlim(1, 1));
    }

    public override string Provider => "Sqlite";

    public override async Task MigrateAsync(IReadOnlyCollection<SagaMap> maps, CancellationToken cancellationToken)
    {
        await WriteAsync(async (connection, transaction) =>
        {
            Execute(connection, transaction,
                "CREATE TABLE IF NOT EXISTS saga_store_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, upgraded_at INTEGER NOT NULL)");
            using var read = new SqliteCommand("SELECT version FROM saga_store_schema WHERE id = 1", connection, transaction);
            var found = read.ExecuteScalar() is long version ? (int)version : (int?)null;
            if (found > SchemaVersion)
                throw NewerSchema(found.Value);
            if (found != SchemaVersion)
            {
                if ((found ?? 0) < 1)
                {
                    Execute(connection, transaction, """
                        CREATE TABLE IF NOT EXISTS saga_history (
                            id INTEGER PRIMARY KEY AUTOINCREMENT,
                            saga_type TEXT NOT NULL,
                            correlation_id TEXT NOT NULL,
                            occurred_at INTEGER NOT NULL,
                            event TEXT NOT NULL,
                            from_state TEXT NULL,
                            to_state TEXT NULL,
                            message_id TEXT NULL,
                            error TEXT NULL);
                        CREATE INDEX IF NOT EXISTS saga_history_instance ON saga_history (correlation_id, id);
                        """);
                }
                Execute(connection, transaction,
                    $"INSERT INTO saga_store_schema (id, version, upgraded_at) VALUES (1, {SchemaVersion}, {Now()}) " +
                    "ON CONFLICT (id) DO UPDATE SET version = excluded.version, upgraded_at = excluded.upgraded_at");
            }

            foreach (var map in maps)
                EnsureTable(connection, transaction, map);
            await Task.CompletedTask;
            return 0;
        }, cancellationToken);
    }

    private static void EnsureTable(SqliteConnection connection, SqliteTransaction transaction, SagaMap map)
    {
        var t = map.Table;
        Execute(connection, transaction, $"""
            CREATE TABLE IF NOT EXISTS {t} (
                correlation_id TEXT PRIMARY KEY,
                state TEXT NULL,
                flow_id TEXT NULL,
                version INTEGER NOT NULL,
                data TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                finished_at INTEGER NULL,
                deadline_at INTEGER NULL,
                deadline_event TEXT NULL) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS {t}_created ON {t} (created_at DESC);
            CREATE INDEX IF NOT EXISTS {t}_state ON {t} (state, created_at DESC);
            CREATE INDEX IF NOT EXISTS {t}_flow_id ON {t} (flow_id);
            CREATE INDEX IF NOT EXISTS {t}_deadline ON {t} (deadline_at) WHERE deadline_at IS NOT NULL;
            CREATE INDEX IF NOT EXISTS {t}_finished ON {t} (finished_at) WHERE finished_at IS NOT NULL;
            """);

        var existing = new HashSet<string>(StringComparer.Ordinal);
        using (var columns = new SqliteCommand($"SELECT name FROM pragma_table_info('{t}')", connection, transaction))
        using (var reader = columns.ExecuteReader())
        {
            while (reader.Read())
                existing.Add(reader.GetString(0));
        }

        foreach (var index in map.Indexes)
        {
            // A newly declared index starts from the documents already stored, so correlation finds old instances too.
            if (!existing.Contains(index.Column))
            {
                Execute(connection, transaction,
                    $"ALTER TABLE {t} ADD COLUMN {index.Column} TEXT NULL; UPDATE {t} SET {index.Column} = json_extract(data, '$.{index.Property.Name}')");
            }
            Execute(connection, transaction, $"CREATE INDEX IF NOT EXISTS {t}_{index.Column} ON {t} ({index.Column})");
        }
    }

    public override async Task<SagaRow?> LoadAsync(SagaMap map, Guid correlationId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = new SqliteCommand(Statement(map, "load", () => $"SELECT {RowColumns} FROM {map.Table} WHERE correlation_id = @id"),
            connection);
        command.Parameters.AddWithValue("@id", Text(correlationId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRow(reader) : null;
    }

    public override async Task<IReadOnlyList<SagaRow>> QueryAsync(SagaMap map, SqlFilter filter, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = new SqliteCommand($"SELECT {RowColumns} FROM {map.Table} WHERE {filter.Where}", connection);
        foreach (var (name, value) in filter.Parameters)
            command.Parameters.AddWithValue(name, value is Guid g ? Text(g) : value ?? DBNull.Value);
        return await ReadRowsAsync(command, cancellationToken);
    }

    public override Task<bool> InsertAsync(SagaMap map, SagaWrite write, CancellationToken cancellationToken)
    {
        var withHistory = write.History is not null;
        var sql = Statement(map, withHistory ? "insert+history" : "insert", () =>
        {
            var indexColumns = string.Concat(map.Indexes.Select(i => ", " + i.Column));
            var indexValues = string.Concat(map.Indexes.Select((_, n) => $", @ix{n}"));
            var insert =
                $"INSERT INTO {map.Table} ({RowColumns}{indexColumns}) " +
                $"VALUES (@id, @state, @flow_id, 1, @data, @at, @at, @finished_at, @deadline_at, @deadline_event{indexValues}) " +
                "ON CONFLICT (correlation_id) DO NOTHING;";
            return withHistory ? insert + HistoryAfterWrite : insert;
        });
        return WriteAsync((connection, transaction) =>
        {
            var command = WriterCommand(sql, connection, transaction);
            BindWrite(command, map, write, write.Deadline ?? DeadlineChange.Clear);
            command.Parameters.AddWithValue("@finished_at", write.Finished ? Ms(write.At) : DBNull.Value);
            return Task.FromResult(command.ExecuteNonQuery() > 0);
        }, cancellationToken);
    }

    public override Task<bool> UpdateAsync(SagaMap map, SagaWrite write, int expectedVersion, CancellationToken cancellationToken)
    {
        var deadline = write.Finished ? DeadlineChange.Clear : write.Deadline;
        var variant = (deadline is null ? "" : "+deadline") + (write.Finished ? "+finished" : "");
        var sql = Statement(map, "update" + variant, () =>
        {
            var set = "state = @state, flow_id = @flow_id, version = version + 1, data = @data, updated_at = @at"
                + (write.Finished ? ", finished_at = @at" : "")
                + (deadline is null ? "" : ", deadline_at = @deadline_at, deadline_event = @deadline_event")
                + string.Concat(map.Indexes.Select((i, n) => $", {i.Column} = @ix{n}"));
            return $"UPDATE {map.Table} SET {set} WHERE correlation_id = @id AND version = @expected;" + HistoryAfterWrite;
        });
        return WriteAsync((connection, transaction) =>
        {
            var command = WriterCommand(sql, connection, transaction);
            BindWrite(command, map, write, deadline);
            command.Parameters.AddWithValue("@expected", expectedVersion);
            return Task.FromResult(command.ExecuteNonQuery() > 0);
        }, cancellationToken);
    }

    // changes() is the row count of the statement before, so the history line exists only if the write happened.
    private const string HistoryAfterWrite =
        " INSERT INTO saga_history (saga_type, correlation_id, occurred_at, event, from_state, to_state, message_id, error) " +
        "SELECT @saga_type, @id, @at, @event, @from_state, @to_state, @message_id, @error WHERE changes() = 1;";

    private static void BindWrite(SqliteCommand command, SagaMap map, SagaWrite write, DeadlineChange? deadline)
    {
        var p = command.Parameters;
        p.AddWithValue("@id", Text(write.CorrelationId));
        p.AddWithValue("@state", (object?)write.State ?? DBNull.Value);
        p.AddWithValue("@flow_id", (object?)write.FlowId ?? DBNull.Value);
        p.AddWithValue("@data", write.Data);
        p.AddWithValue("@at", Ms(write.At));
        if (deadline is not null)
        {
            p.AddWithValue("@deadline_at", deadline.At is { } at ? Ms(at) : DBNull.Value);
            p.AddWithValue("@deadline_event", (object?)deadline.EventType ?? DBNull.Value);
        }
        for (var n = 0; n < map.Indexes.Count; n++)
            p.AddWithValue("@ix" + n, (object?)write.IndexValues[n] ?? DBNull.Value);
        if (write.History is { } history)
            BindHistory(p, map, history);
    }

    private static void BindHistory(SqliteParameterCollection p, SagaMap map, TransitionRecord history)
    {
        p.AddWithValue("@saga_type", map.Name);
        p.AddWithValue("@event", history.Event);
        p.AddWithValue("@from_state", (object?)history.FromState ?? DBNull.Value);
        p.AddWithValue("@to_state", (object?)history.ToState ?? DBNull.Value);
        p.AddWithValue("@message_id", history.MessageId is { } id ? Text(id) : DBNull.Value);
        p.AddWithValue("@error", (object?)history.Error ?? DBNull.Value);
    }

    public override Task AppendHistoryAsync(SagaMap map, Guid correlationId, TransitionRecord record, DateTimeOffset at,
        CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) =>
        {
            var command = WriterCommand(
                "INSERT INTO saga_history (saga_type, correlation_id, occurred_at, event, from_state, to_state, message_id, error) " +
                "VALUES (@saga_type, @id, @at, @event, @from_state, @to_state, @message_id, @error)", connection, transaction);
            command.Parameters.AddWithValue("@id", Text(correlationId));
            command.Parameters.AddWithValue("@at", Ms(at));
            BindHistory(command.Parameters, map, record);
            return Task.FromResult(command.ExecuteNonQuery());
        }, cancellationToken);

    public override Task<int> FireDueDeadlinesAsync(SagaMap map, DateTimeOffset now, int limit, Func<DueDeadline, Task> publish,
        CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var due = new List<DueDeadline>();
            using (var claim = new SqliteCommand(
                $"SELECT correlation_id, flow_id, deadline_at, deadline_event FROM {map.Table} " +
                "WHERE deadline_at <= @now ORDER BY deadline_at LIMIT @limit", connection, transaction))
            {
                claim.Parameters.AddWithValue("@now", Ms(now));
                claim.Parameters.AddWithValue("@limit", limit);
                using var reader = claim.ExecuteReader();
                while (reader.Read())
                {
                    due.Add(new DueDeadline(Guid.Parse(reader.GetString(0)), reader.IsDBNull(1) ? null : reader.GetString(1),
                        FromMs(reader.GetInt64(2)), reader.IsDBNull(3) ? "" : reader.GetString(3)));
                }
            }

            var published = 0;
            Exception? failure = null;
            using var clear = new SqliteCommand(
                $"UPDATE {map.Table} SET deadline_at = NULL, deadline_event = NULL WHERE correlation_id = @id", connection, transaction);
            var id = clear.Parameters.Add("@id", SqliteType.Text);
            foreach (var deadline in due)
            {
                try
                {
                    await publish(deadline);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failure = ex;
                    break;
                }
                id.Value = Text(deadline.CorrelationId);
                clear.ExecuteNonQuery();
                published++;
            }
            if (failure is not null)
            {
                throw new DeadlinePublishException(
                    published, $"Publishing the deadline event of {map.Name} failed; it is retried on the next sweep.", failure);
            }
            return published;
        }, cancellationToken);

    public override Task<int> PurgeFinishedAsync(SagaMap map, DateTimeOffset finishedBefore, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) =>
        {
            using var history = new SqliteCommand(
                "DELETE FROM saga_history WHERE saga_type = @saga_type AND correlation_id IN " +
                $"(SELECT correlation_id FROM {map.Table} WHERE finished_at < @before)", connection, transaction);
            history.Parameters.AddWithValue("@before", Ms(finishedBefore));
            history.Parameters.AddWithValue("@saga_type", map.Name);
            history.ExecuteNonQuery();
            using var instances = new SqliteCommand($"DELETE FROM {map.Table} WHERE finished_at < @before", connection, transaction);
            instances.Parameters.AddWithValue("@before", Ms(finishedBefore));
            return Task.FromResult(instances.ExecuteNonQuery());
        }, cancellationToken);

    public override async Task<IReadOnlyList<SagaRow>> ListAsync(SagaMap map, string? state, string? flowId, int offset, int limit,
        CancellationToken cancellationToken)
    {
        var where = new List<string>();
        if (state is not null)
            where.Add("state = @state");
        if (flowId is not null)
            where.Add("flow_id = @flow_id");
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = new SqliteCommand(
            $"SELECT {RowColumns} FROM {map.Table}" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") +
            " ORDER BY created_at DESC, correlation_id LIMIT @limit OFFSET @offset", connection);
        if (state is not null)
            command.Parameters.AddWithValue("@state", state);
        if (flowId is not null)
            command.Parameters.AddWithValue("@flow_id", flowId);
        command.Parameters.AddWithValue("@limit", limit);
        command.Parameters.AddWithValue("@offset", offset);
        return await ReadRowsAsync(command, cancellationToken);
    }

    public override async Task<IReadOnlyList<SagaHistoryEntry>> HistoryAsync(SagaMap map, Guid correlationId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = new SqliteCommand(
            $"SELECT {HistoryColumns} FROM saga_history WHERE correlation_id = @id AND saga_type = @saga_type ORDER BY id", connection);
        command.Parameters.AddWithValue("@id", Text(correlationId));
        command.Parameters.AddWithValue("@saga_type", map.Name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<SagaHistoryEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new SagaHistoryEntry
            {
                Sequence = reader.GetInt64(0),
                SagaType = reader.GetString(1),
                CorrelationId = Guid.Parse(reader.GetString(2)),
                OccurredAt = FromMs(reader.GetInt64(3)),
                Event = reader.GetString(4),
                FromState = reader.IsDBNull(5) ? null : reader.GetString(5),
                ToState = reader.IsDBNull(6) ? null : reader.GetString(6),
                MessageId = reader.IsDBNull(7) ? null : Guid.Parse(reader.GetString(7)),
                Error = reader.IsDBNull(8) ? null : reader.GetString(8),
            });
        }
        return entries;
    }

    public override async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = new SqliteCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public override async ValueTask DisposeAsync()
    {
        await _writerLock.WaitAsync();
        try
        {
            foreach (var command in _writerCommands.Values)
                await command.DisposeAsync();
            _writerCommands.Clear();
            if (_writer is not null)
                await _writer.DisposeAsync();
            _writer = null;
        }
        finally
        {
            _writerLock.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> in an IMMEDIATE transaction on the writer connection; rolls back if it throws.</summary>
    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await _writerLock.WaitAsync(cancellationToken);
        try
        {
            var connection = _writer ??= OpenWriter();
            using var transaction = connection.BeginTransaction(deferred: false);
            T result;
            try
            {
                result = await work(connection, transaction);
            }
            catch (DeadlinePublishException ex)
            {
                // Deadlines whose event went out must stay cleared, or the next sweep would publish them twice.
                transaction.Commit();
                throw new InvalidOperationException(ex.Message, ex.InnerException);
            }
            transaction.Commit();
            return result;
        }
        finally
        {
            _writerLock.Release();
        }
    }

    private SqliteConnection OpenWriter()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, null, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
        return connection;
    }

    private SqliteCommand WriterCommand(string sql, SqliteConnection connection, SqliteTransaction transaction)
    {
        // Kept per statement so SQLite compiles each statement once, not on every transition.
        if (!_writerCommands.TryGetValue(sql, out var command))
        {
            command = new SqliteCommand(sql, connection);
            _writerCommands[sql] = command;
        }
        command.Transaction = transaction;
        command.Parameters.Clear();
        return command;
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private string Statement(SagaMap map, string kind, Func<string> build) =>
        _statements.GetOrAdd(map.Table + "/" + kind, _ => build());

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = new SqliteCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }

    private static async Task<IReadOnlyList<SagaRow>> ReadRowsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<SagaRow>();
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(ReadRow(reader));
        return rows;
    }

    private static SagaRow ReadRow(SqliteDataReader reader) => new(
        Guid.Parse(reader.GetString(0)),
        reader.IsDBNull(1) ? null : reader.GetString(1),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        reader.GetInt32(3),
        reader.GetString(4),
        FromMs(reader.GetInt64(5)),
        FromMs(reader.GetInt64(6)),
        reader.IsDBNull(7) ? null : FromMs(reader.GetInt64(7)),
        reader.IsDBNull(8) ? null : FromMs(reader.GetInt64(8)),
        reader.IsDBNull(9) ? null : reader.GetString(9));

    private static string Text(Guid id) => id.ToString("D");

    private static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static string Now() => Ms(DateTimeOffset.UtcNow).ToString(CultureInfo.InvariantCulture);
}
