using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Collections.Concurrent;
using Mlops.SagaStore.Mapping;
using Mlops.SagaStore.Outbox;
using Npgsql;
using NpgsqlTypes;

namespace Mlops.SagaStore.Storage;

/// <summary>Saga store on PostgreSQL, for several replicas of a service on one database.</summary>
internal sealed partial class PostgresSagaDatabase : SagaDatabase
{
    private const string InboxConstraint = "saga_inbox_pkey";
    private const string RecordsConstraint = "saga_store_records_pkey";

    // Commits waiting while a group is on its way go out together as the next group (see CommitWaitingAsync).
    private const int MaxGroup = 32;
    private const int GroupSenders = 2;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ConcurrentQueue<PendingCommit> _pending = new();
    private readonly SemaphoreSlim _senders = new(GroupSenders, GroupSenders);

    public PostgresSagaDatabase(string connectionString, TimeSpan outboxLease)
        : base(ParameterNames.Bare, outboxLease)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // Every transition runs the same few statements: prepared once per connection, they skip parsing and planning.
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }
        // The store leaves no session state behind (no SET, temporary tables, session locks or LISTEN), so a connection
        // handed back to the pool needs no reset: without this Npgsql sends seven reset statements with the next command.
        if (!connectionString.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase)
            && !connectionString.Contains("NoResetOnClose", StringComparison.OrdinalIgnoreCase))
            builder.NoResetOnClose = true;
        Location = $"PostgreSQL at {builder.Host}:{builder.Port}, database {builder.Database ?? builder.Username}" +
            (builder.SearchPath is { Length: > 0 } schema ? $", schema {schema}" : "") +
            (builder.Username is { Length: > 0 } user ? $", user {user}" : "");
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public override string Provider => "Postgres";

    public override string Location { get; }

    public override async Task<CommitResult> CommitAsync(StoreCommit commit, CancellationToken cancellationToken)
    {
        if (commit.IsEmpty)
            return CommitResult.Committed;
        if (commit.Sagas.Count <= 1)
        {
            var pending = new PendingCommit(commit);
            _pending.Enqueue(pending);
            // Once queued it commits or fails with its group; a caller that gives up finds the message in the inbox on retry.
            var turn = _senders.WaitAsync(CancellationToken.None);
            if (await Task.WhenAny(pending.Result.Task, turn) != turn)
            {
                _ = turn.ContinueWith(_ => _senders.Release(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                return await pending.Result.Task.WaitAsync(cancellationToken);
            }
            try
            {
                if (!pending.Result.Task.IsCompleted)
                    await CommitWaitingAsync();
            }
            finally
            {
                _senders.Release();
            }
            return await pending.Result.Task.WaitAsync(cancellationToken);
        }
        try
        {
            return await CommitInTransactionAsync(commit, cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation
            && ex.ConstraintName is InboxConstraint or RecordsConstraint)
        {
            // A concurrent delivery of the same message (or the same key) committed first; the statement wrote nothing.
            return CommitResult.Duplicate;
        }
    }

    /// <summary>
    /// Group commit: a caller that gets one of the sender slots sends every commit waiting at that moment as one batch, which PostgreSQL
    /// runs as one implicit transaction: one round trip and one WAL flush for all of them. A lost version race writes nothing
    /// in its own statement and does not disturb the others; an error (a duplicate racing in) rolls the whole batch back, and
    /// then each commit of the group is retried on its own, so only the duplicate is refused.
    /// </summary>
    private async Task CommitWaitingAsync()
    {
        var group = new List<PendingCommit>(MaxGroup);
        while (group.Count < MaxGroup && _pending.TryDequeue(out var next))
            group.Add(next);
        if (group.Count == 0)
            return;
        try
        {
            if (group.Count == 1 || !await TryCommitTogetherAsync(group))
            {
                foreach (var pending in group)
                    await CommitAloneAsync(pending);
            }
        }
        catch (Exception ex)
        {
            foreach (var pending in group)
                pending.Result.TrySetException(ex);
        }
    }

    private async Task<bool> TryCommitTogetherAsync(List<PendingCommit> group)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        foreach (var pending in group)
        {
            var command = new NpgsqlBatchCommand(CommitStatement(pending.Commit, Saga(pending.Commit)));
            BindBatch(command, scratch => BindCommit(scratch, pending.Commit, Saga(pending.Commit)));
            batch.BatchCommands.Add(command);
        }
        var results = new List<(long Written, long? OutboxId)>(group.Count);
        try
        {
            await using var reader = await batch.ExecuteReaderAsync();
            do
            {
                await reader.ReadAsync();
                results.Add((reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1)));
            }
            while (await reader.NextResultAsync());
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return false;
        }
        for (var i = 0; i < group.Count; i++)
            group[i].Result.TrySetResult(Outcome(group[i].Commit, results[i].Written, results[i].OutboxId));
        return true;
    }

    private async Task CommitAloneAsync(PendingCommit pending)
    {
        try
        {
            pending.Result.TrySetResult(await CommitInOneStatementAsync(pending.Commit, CancellationToken.None));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation
            && ex.ConstraintName is InboxConstraint or RecordsConstraint)
        {
            // A concurrent delivery of the same message (or the same key) committed first; the statement wrote nothing.
            pending.Result.TrySetResult(CommitResult.Duplicate);
        }
        catch (Exception ex)
        {
            pending.Result.TrySetException(ex);
        }
    }

    private static StagedSagaWrite? Saga(StoreCommit commit) => commit.Sagas.Count == 1 ? commit.Sagas[0] : null;

    private static CommitResult Outcome(StoreCommit commit, long written, long? outboxId)
    {
        if (written == 0)
            return new CommitResult(CommitStatus.Conflict, Saga(commit));
        if (commit.Outbox is not null)
            commit.Outbox.Id = outboxId!.Value;
        return CommitResult.Committed;
    }

    // The usual case: the inbox row, the saga row with its history and the outbox row in one statement, one round trip.
    // Everything selects FROM the saga write, so a lost version race inserts nothing; an inbox conflict aborts it all.
    private async Task<CommitResult> CommitInOneStatementAsync(StoreCommit commit, CancellationToken cancellationToken)
    {
        var saga = Saga(commit);
        await using var command = _dataSource.CreateCommand(CommitStatement(commit, saga));
        BindCommit(command, commit, saga);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return Outcome(commit, reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1));
    }

    // Rare: one message that writes several saga instances (a correlation query matching more than one).
    private async Task<CommitResult> CommitInTransactionAsync(StoreCommit commit, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var sagaOnly = new StoreCommit { At = commit.At };
        foreach (var staged in commit.Sagas)
        {
            await using var write = new NpgsqlCommand(CommitStatement(sagaOnly, staged), connection, transaction);
            BindCommit(write, sagaOnly, staged);
            if (Convert.ToInt64(await write.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 0)
                return new CommitResult(CommitStatus.Conflict, staged);
        }
        var rest = new StoreCommit { At = commit.At, Inbox = commit.Inbox, Records = commit.Records, Outbox = commit.Outbox };
        if (!rest.IsEmpty)
        {
            await using var command = new NpgsqlCommand(CommitStatement(rest, null), connection, transaction);
            BindCommit(command, rest, null);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (commit.Outbox is not null)
                commit.Outbox.Id = reader.GetInt64(1);
        }
        await transaction.CommitAsync(cancellationToken);
        return CommitResult.Committed;
    }

    private string CommitStatement(StoreCommit commit, StagedSagaWrite? saga)
    {
        var shape = (saga is null ? "none" : WriteVariant(saga))
            + (commit.Inbox is null ? "" : "+inbox") + "+records" + commit.Records.Count + (commit.Outbox is null ? "" : "+outbox");
        return Statement(saga?.Map, "commit/" + shape, () =>
        {
            var from = saga is null ? "" : " FROM written";
            var parts = new List<string>();
            if (saga is not null)
            {
                parts.Add($"written AS ({WriteStatement(saga)} RETURNING correlation_id)");
                parts.Add("history AS (" + InsertHistory +
                    "SELECT @saga_type, correlation_id, @at, @event, @from_state, @to_state, @message_id, @error FROM written)");
            }
            if (commit.Inbox is not null)
                parts.Add($"inbox AS (INSERT INTO saga_inbox (consumer_id, message_id, received_at) SELECT @inbox_consumer, @inbox_message, @at{from})");
            for (var i = 0; i < commit.Records.Count; i++)
                parts.Add($"r{i} AS (INSERT INTO saga_store_records (kind, key, value, recorded_at) SELECT @kind{i}, @key{i}, @value{i}, @at{from})");
            if (commit.Outbox is not null)
            {
                parts.Add("outbox AS (INSERT INTO saga_outbox (created_at, available_at, origin, message_count, delivered, messages) " +
                    $"SELECT @at, @available, @origin, @message_count, 0, @messages{from} RETURNING id)");
            }
            var sql = new StringBuilder("WITH ").AppendJoin(", ", parts);
            sql.Append(saga is null ? " SELECT 1::bigint" : " SELECT (SELECT count(*) FROM written)");
            sql.Append(commit.Outbox is null ? ", NULL::bigint" : ", (SELECT id FROM outbox)");
            return sql.ToString();
        });
    }

    private void BindCommit(DbCommand command, StoreCommit commit, StagedSagaWrite? saga)
    {
        if (saga is not null)
            BindStaged(command, saga); // binds @at with the write's time
        else
            SetTime(Add(command, Names.At), commit.At);
        if (commit.Inbox is { } inbox)
            BindInbox(command, inbox);
        for (var i = 0; i < commit.Records.Count; i++)
        {
            AddText(command, Names.Kind + i, commit.Records[i].Kind);
            AddText(command, Names.Key + i, commit.Records[i].Key);
            AddText(command, Names.Value + i, commit.Records[i].Value);
        }
        if (commit.Outbox is { } batch)
            BindOutbox(command, batch, AvailableAt(commit.At));
    }

    public override async Task<bool> InsertAsync(SagaMap map, SagaWrite write, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(InsertStatement(map));
        BindInsert(command, map, write);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public override async Task AppendHistoryAsync(SagaMap map, Guid correlationId, TransitionRecord record, DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(AppendHistorySql);
        BindAppendHistory(command, map, correlationId, record, at);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override async Task<IReadOnlyList<DeadlineFiring>> FireDueDeadlinesAsync(SagaMap map, DateTimeOffset now, int limit,
        Func<DueDeadline, Task<OutboxBatch>> build, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // SKIP LOCKED: a replica sweeping at the same moment takes other rows instead of waiting for these.
        List<DueDeadline> due;
        await using (var claim = new NpgsqlCommand(ClaimDueSql(map, " FOR UPDATE SKIP LOCKED"), connection, transaction))
            due = await ReadDueAsync(claim, now, limit, cancellationToken);
        if (due.Count == 0)
            return [];

        // Building a message is work in memory only, so holding the claimed rows meanwhile costs nothing outside.
        var firings = await BuildTimeoutsAsync(due, build);
        var available = AvailableAt(now);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var firing in firings)
        {
            var clear = new NpgsqlBatchCommand(firing.Error is null ? ClearDeadlineSql(map) : QuarantineDeadlineSql(map));
            BindBatch(clear, command =>
            {
                BindDeadlineGuard(command, firing.Deadline);
                if (firing.Error is not null)
                    BindDeadlineError(command, firing.Error);
            });
            batch.BatchCommands.Add(clear);
            if (firing.Timeout is { } timeout)
            {
                var insert = new NpgsqlBatchCommand(InsertOutboxSql + " RETURNING id");
                BindBatch(insert, command =>
                {
                    SetTime(Add(command, Names.At), now);
                    BindOutbox(command, timeout, available);
                });
                batch.BatchCommands.Add(insert);
            }
        }
        var timeouts = firings.Where(f => f.Timeout is not null).Select(f => f.Timeout!).ToList();
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            // Results come in command order; only the outbox inserts return a row (their ids).
            var next = 0;
            do
            {
                if (reader.FieldCount > 0 && await reader.ReadAsync(cancellationToken))
                    timeouts[next++].Id = reader.GetInt64(0);
            }
            while (await reader.NextResultAsync(cancellationToken));
        }
        await transaction.CommitAsync(cancellationToken);
        return firings;
    }

    public override async Task<IReadOnlyList<ClaimedOutbox>> ClaimOutboxAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit,
        CancellationToken cancellationToken)
    {
        // SKIP LOCKED: two dispatchers claiming at once take different transactions, never the same one.
        await using var command = _dataSource.CreateCommand(
            "UPDATE saga_outbox SET available_at = @available WHERE id IN " +
            "(SELECT id FROM saga_outbox WHERE delivered_at IS NULL AND available_at <= @now ORDER BY id LIMIT @limit FOR UPDATE SKIP LOCKED) " +
            "RETURNING id, origin, delivered, messages");
        SetTime(Add(command, Names.Available), leaseUntil);
        SetTime(Add(command, Names.Now), now);
        AddInt(command, Names.Limit, limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var claimed = new List<ClaimedOutbox>();
        while (await reader.ReadAsync(cancellationToken))
            claimed.Add(new ClaimedOutbox(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3)));
        return claimed.OrderBy(c => c.Id).ToList();
    }

    public override async Task MarkDeliveredAsync(IReadOnlyList<OutboxProgress> progress, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var complete = progress.Where(p => p.Complete).Select(p => p.Id).ToArray();
        if (complete.Length > 0)
        {
            await using var command = _dataSource.CreateCommand(
                "UPDATE saga_outbox SET delivered = message_count, delivered_at = @at WHERE id = ANY(@ids) AND delivered_at IS NULL");
            SetTime(Add(command, Names.At), at);
            command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = complete });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var partial in progress.Where(p => !p.Complete))
        {
            await using var command = _dataSource.CreateCommand(MarkPartialSql);
            AddInt(command, Names.MessageCount, partial.Delivered);
            command.Parameters.Add(new NpgsqlParameter(Names.Id, NpgsqlDbType.Bigint) { Value = partial.Id });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public override async Task<int> PurgeFinishedAsync(SagaMap map, DateTimeOffset finishedBefore, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            $"WITH purged AS (DELETE FROM {map.Table} WHERE finished_at < @before RETURNING correlation_id), " +
            "history AS (DELETE FROM saga_history h USING purged WHERE h.correlation_id = purged.correlation_id AND h.saga_type = @saga_type) " +
            "SELECT count(*) FROM purged");
        command.Parameters.AddWithValue("before", finishedBefore);
        command.Parameters.AddWithValue("saga_type", map.Name);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public override async Task<StoreCleanup> CleanupAsync(DateTimeOffset inboxBefore, DateTimeOffset deliveredBefore, CancellationToken cancellationToken)
    {
        async Task<int> DeleteAsync(string sql, DateTimeOffset before)
        {
            await using var command = _dataSource.CreateCommand(sql);
            command.Parameters.AddWithValue("before", before);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        return new StoreCleanup(
            await DeleteAsync("DELETE FROM saga_inbox WHERE received_at < @before", inboxBefore),
            await DeleteAsync("DELETE FROM saga_store_records WHERE recorded_at < @before", inboxBefore),
            await DeleteAsync("DELETE FROM saga_outbox WHERE delivered_at < @before", deliveredBefore));
    }

    public override async ValueTask DisposeAsync()
    {
        for (var i = 0; i < GroupSenders; i++)
            await _senders.WaitAsync();
        await _dataSource.DisposeAsync();
        // Not disposed: a caller whose commit went out in another's group still hands its slot back later.
        _senders.Release(GroupSenders);
    }

    /// <summary>A commit waiting for the next group.</summary>
    private sealed class PendingCommit(StoreCommit commit)
    {
        public StoreCommit Commit { get; } = commit;

        public TaskCompletionSource<CommitResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    protected override ValueTask<DbConnection> OpenReaderAsync(CancellationToken cancellationToken) =>
        ((DbDataSource)_dataSource).OpenConnectionAsync(cancellationToken);

    protected override void SetGuid(DbParameter parameter, Guid? value)
    {
        parameter.DbType = DbType.Guid;
        parameter.Value = value is { } id ? id : DBNull.Value;
    }

    protected override void SetTime(DbParameter parameter, DateTimeOffset? value)
    {
        parameter.DbType = DbType.DateTimeOffset;
        parameter.Value = value is { } at ? at : DBNull.Value;
    }

    protected override void SetDocument(DbParameter parameter, string json)
    {
        ((NpgsqlParameter)parameter).NpgsqlDbType = NpgsqlDbType.Jsonb;
        parameter.Value = json;
    }

    protected override Guid GetGuid(DbDataReader reader, int ordinal) => reader.GetGuid(ordinal);

    protected override DateTimeOffset GetTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    // Batch commands take parameters like commands do; binding goes through a throwaway command to reuse the shared binders.
    private static void BindBatch(NpgsqlBatchCommand target, Action<DbCommand> bind)
    {
        using var scratch = new NpgsqlCommand();
        bind(scratch);
        foreach (NpgsqlParameter parameter in scratch.Parameters.ToArray())
        {
            scratch.Parameters.Remove(parameter);
            target.Parameters.Add(parameter);
        }
    }
}
