using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
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
    private SqliteConnection? _writer;

    public SqliteSagaDatabase(string connectionString)
        : base(ParameterNames.Prefixed)
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

    // Every write already runs in an IMMEDIATE transaction, which holds the file's write lock until it commits.
    protected override string ClaimLock => "";

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
            {SagaTableIndexes(t)}
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

    public override Task<bool> InsertAsync(SagaMap map, SagaWrite write, CancellationToken cancellationToken)
    {
        var sql = InsertStatement(map, write);
        return WriteAsync((connection, transaction) =>
        {
            var command = WriterCommand(sql, connection, transaction);
            BindInsert(command, map, write);
            return Task.FromResult(command.ExecuteNonQuery() > 0);
        }, cancellationToken);
    }

    public override Task<bool> UpdateAsync(SagaMap map, SagaWrite write, int expectedVersion, CancellationToken cancellationToken)
    {
        var sql = UpdateStatement(map, write);
        return WriteAsync((connection, transaction) =>
        {
            var command = WriterCommand(sql, connection, transaction);
            BindUpdate(command, map, write, expectedVersion);
            return Task.FromResult(command.ExecuteNonQuery() > 0);
        }, cancellationToken);
    }

    public override Task AppendHistoryAsync(SagaMap map, Guid correlationId, TransitionRecord record, DateTimeOffset at,
        CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) =>
        {
            var command = WriterCommand(AppendHistorySql, connection, transaction);
            BindAppendHistory(command, map, correlationId, record, at);
            return Task.FromResult(command.ExecuteNonQuery());
        }, cancellationToken);

    public override Task<int> FireDueDeadlinesAsync(SagaMap map, DateTimeOffset now, int limit, Func<DueDeadline, Task> publish,
        CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var due = await ClaimDueAsync(connection, transaction, map, now, limit, cancellationToken);

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

    protected override async ValueTask<DbConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    // changes() is the row count of the statement before, so the history line exists only if the write happened.
    protected override string ThenAppendHistory(string write) =>
        write + "; " + InsertHistory +
        "SELECT @saga_type, @id, @at, @event, @from_state, @to_state, @message_id, @error WHERE changes() = 1;";

    protected override void SetGuid(DbParameter parameter, Guid? value)
    {
        parameter.DbType = DbType.String;
        parameter.Value = value is { } id ? Text(id) : DBNull.Value;
    }

    protected override void SetTime(DbParameter parameter, DateTimeOffset? value)
    {
        parameter.DbType = DbType.Int64;
        parameter.Value = value is { } at ? Ms(at) : DBNull.Value;
    }

    protected override void SetDocument(DbParameter parameter, string json)
    {
        parameter.DbType = DbType.String;
        parameter.Value = json;
    }

    protected override Guid GetGuid(DbDataReader reader, int ordinal) => Guid.Parse(reader.GetString(ordinal));

    protected override DateTimeOffset GetTime(DbDataReader reader, int ordinal) => FromMs(reader.GetInt64(ordinal));

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

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = new SqliteCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }

    private static string Text(Guid id) => id.ToString("D");

    private static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static string Now() => Ms(DateTimeOffset.UtcNow).ToString(CultureInfo.InvariantCulture);
}
