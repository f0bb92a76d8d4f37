using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Mlops.SagaStore.Mapping;
using Mlops.SagaStore.Outbox;

namespace Mlops.SagaStore.Storage;

/// <summary>
/// Saga store in one SQLite file (WAL, <c>synchronous = FULL</c>) for a single replica. Reads use pooled connections; every
/// write goes through the file's one writer in this process (<see cref="SqliteStoreFile"/>), which commits waiting writes
/// together, because SQLite admits one writer at a time and queuing here is cheaper than retrying on SQLITE_BUSY.
/// </summary>
internal sealed partial class SqliteSagaDatabase : SagaDatabase
{
    private readonly string _connectionString;
    private readonly string _file;
    private readonly Lock _openLock = new();
    private SqliteStoreFile? _writer;

    public SqliteSagaDatabase(string connectionString, TimeSpan outboxLease)
        : base(ParameterNames.Prefixed, outboxLease)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true, Mode = SqliteOpenMode.ReadWriteCreate };
        if (builder.DefaultTimeout < 30)
            builder.DefaultTimeout = 30;
        _file = Path.GetFullPath(builder.DataSource);
        builder.DataSource = _file;
        _connectionString = builder.ToString();
    }

    public override string Provider => "Sqlite";

    public override string Location => $"file {_file}";

    public override async Task<CommitResult> CommitAsync(StoreCommit commit, CancellationToken cancellationToken)
    {
        if (commit.IsEmpty)
            return CommitResult.Committed;
        var available = AvailableAt(commit.At);
        try
        {
            var outboxId = await WriteAsync((connection, transaction) => WriteCommit(commit, available, transaction), cancellationToken);
            if (commit.Outbox is not null)
                commit.Outbox.Id = outboxId;
            return CommitResult.Committed;
        }
        catch (CommitRefusedException refused)
        {
            return refused.Result;
        }
    }

    // Runs inside the group transaction; throwing rolls back this commit's savepoint only.
    private long WriteCommit(StoreCommit commit, DateTimeOffset available, SqliteTransaction transaction)
    {
        if (commit.Inbox is { } inbox)
        {
            var command = _writer!.Command(InsertInboxSql + " ON CONFLICT DO NOTHING", transaction);
            BindInbox(command, inbox);
            SetTime(Add(command, Names.At), commit.At);
            if (command.ExecuteNonQuery() == 0)
                throw new CommitRefusedException(CommitResult.Duplicate);
        }
        foreach (var record in commit.Records)
        {
            var command = _writer!.Command(
                "INSERT INTO saga_store_records (kind, key, value, recorded_at) VALUES (@kind, @key, @value, @at) ON CONFLICT DO NOTHING",
                transaction);
            AddText(command, Names.Kind, record.Kind);
            AddText(command, Names.Key, record.Key);
            AddText(command, Names.Value, record.Value);
            SetTime(Add(command, Names.At), commit.At);
            if (command.ExecuteNonQuery() == 0)
                throw new CommitRefusedException(CommitResult.Duplicate);
        }
        foreach (var staged in commit.Sagas)
        {
            var write = _writer!.Command(WriteStatement(staged), transaction);
            BindStaged(write, staged);
            if (write.ExecuteNonQuery() == 0)
                throw new CommitRefusedException(new CommitResult(CommitStatus.Conflict, staged));
            if (staged.Write.History is { } history)
            {
                var append = _writer.Command(AppendHistorySql, transaction);
                BindAppendHistory(append, staged.Map, staged.Write.CorrelationId, history, staged.Write.At);
                append.ExecuteNonQuery();
            }
        }
        if (commit.Outbox is not { } batch)
            return 0;
        var outbox = _writer!.Command(InsertOutboxSql + " RETURNING id", transaction);
        SetTime(Add(outbox, Names.At), commit.At);
        BindOutbox(outbox, batch, available);
        return (long)outbox.ExecuteScalar()!;
    }

    public override async Task<bool> InsertAsync(SagaMap map, SagaWrite write, CancellationToken cancellationToken)
    {
        var sql = InsertStatement(map);
        return await WriteAsync((_, transaction) =>
        {
            var command = _writer!.Command(sql, transaction);
            BindInsert(command, map, write);
            return command.ExecuteNonQuery() > 0;
        }, cancellationToken);
    }

    public override Task AppendHistoryAsync(SagaMap map, Guid correlationId, TransitionRecord record, DateTimeOffset at,
        CancellationToken cancellationToken) =>
        WriteAsync((_, transaction) =>
        {
            var command = _writer!.Command(AppendHistorySql, transaction);
            BindAppendHistory(command, map, correlationId, record, at);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    public override async Task<IReadOnlyList<DeadlineFiring>> FireDueDeadlinesAsync(SagaMap map, DateTimeOffset now, int limit,
        Func<DueDeadline, Task<OutboxBatch>> build, CancellationToken cancellationToken)
    {
        // One process owns the file, so the claim needs no lock: the guarded clear below lets only one sweep fire a deadline.
        List<DueDeadline> due;
        await using (var connection = await OpenReaderAsync(cancellationToken))
        await using (var claim = Command(connection, ClaimDueSql(map, "")))
            due = await ReadDueAsync(claim, now, limit, cancellationToken);
        if (due.Count == 0)
            return [];

        var firings = await BuildTimeoutsAsync(due, build);
        var available = AvailableAt(now);
        return await WriteAsync((_, transaction) =>
        {
            var fired = new List<DeadlineFiring>(firings.Count);
            foreach (var firing in firings)
            {
                var clear = _writer!.Command(firing.Error is null ? ClearDeadlineSql(map) : QuarantineDeadlineSql(map), transaction);
                BindDeadlineGuard(clear, firing.Deadline);
                if (firing.Error is not null)
                    BindDeadlineError(clear, firing.Error);
                // Replaced or already fired by another sweep: its message must not be written a second time.
                if (clear.ExecuteNonQuery() == 0)
                    continue;
                if (firing.Timeout is { } batch)
                {
                    var outbox = _writer.Command(InsertOutboxSql + " RETURNING id", transaction);
                    SetTime(Add(outbox, Names.At), now);
                    BindOutbox(outbox, batch, available);
                    batch.Id = (long)outbox.ExecuteScalar()!;
                }
                fired.Add(firing);
            }
            return (IReadOnlyList<DeadlineFiring>)fired;
        }, cancellationToken);
    }

    public override Task<IReadOnlyList<ClaimedOutbox>> ClaimOutboxAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit,
        CancellationToken cancellationToken) =>
        WriteAsync((_, transaction) =>
        {
            var command = _writer!.Command(
                "UPDATE saga_outbox SET available_at = @available WHERE id IN " +
                "(SELECT id FROM saga_outbox WHERE delivered_at IS NULL AND available_at <= @now ORDER BY id LIMIT @limit) " +
                "RETURNING id, origin, delivered, messages", transaction);
            SetTime(Add(command, Names.Available), leaseUntil);
            SetTime(Add(command, Names.Now), now);
            AddInt(command, Names.Limit, limit);
            using var reader = command.ExecuteReader();
            var claimed = new List<ClaimedOutbox>();
            while (reader.Read())
                claimed.Add(new ClaimedOutbox(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3)));
            return (IReadOnlyList<ClaimedOutbox>)claimed.OrderBy(c => c.Id).ToList();
        }, cancellationToken);

    public override Task MarkDeliveredAsync(IReadOnlyList<OutboxProgress> progress, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync((_, transaction) =>
        {
            foreach (var step in progress)
            {
                var command = _writer!.Command(step.Complete ? MarkCompleteSql : MarkPartialSql, transaction);
                AddInt(command, Names.MessageCount, step.Delivered);
                if (step.Complete)
                    SetTime(Add(command, Names.At), at);
                var id = Add(command, Names.Id);
                id.DbType = DbType.Int64;
                id.Value = step.Id;
                command.ExecuteNonQuery();
            }
            return 0;
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
            return instances.ExecuteNonQuery();
        }, cancellationToken);

    public override Task<StoreCleanup> CleanupAsync(DateTimeOffset inboxBefore, DateTimeOffset deliveredBefore, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) =>
        {
            int Delete(string sql, DateTimeOffset before)
            {
                using var command = new SqliteCommand(sql, connection, transaction);
                command.Parameters.AddWithValue("@before", Ms(before));
                return command.ExecuteNonQuery();
            }
            return new StoreCleanup(
                Delete("DELETE FROM saga_inbox WHERE received_at < @before", inboxBefore),
                Delete("DELETE FROM saga_store_records WHERE recorded_at < @before", inboxBefore),
                Delete("DELETE FROM saga_outbox WHERE delivered_at < @before", deliveredBefore));
        }, cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        SqliteStoreFile? writer;
        lock (_openLock)
        {
            writer = _writer;
            _writer = null;
        }
        if (writer is not null)
            await writer.ReleaseAsync();
    }

    protected override async ValueTask<DbConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

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

    /// <summary>Queues <paramref name="work"/> on the file's writer, opening (and locking) the file on first use.</summary>
    private Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        var writer = _writer;
        if (writer is null)
        {
            lock (_openLock)
            {
                if (_writer is null)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
                    _writer = SqliteStoreFile.Acquire(_file, _connectionString);
                }
                writer = _writer;
            }
        }
        return writer.WriteAsync(work, cancellationToken);
    }

    private static string Text(Guid id) => id.ToString("D");

    private static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>Stops a commit inside the group transaction; only its own savepoint is rolled back.</summary>
    private sealed class CommitRefusedException(CommitResult result) : Exception(result.Status.ToString())
    {
        public CommitResult Result { get; } = result;
    }
}
