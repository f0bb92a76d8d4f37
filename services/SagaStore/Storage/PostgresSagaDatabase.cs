using System.Collections.Concurrent;
using System.Data.Common;
using Mlops.SagaStore.Mapping;
using Npgsql;
using NpgsqlTypes;

namespace Mlops.SagaStore.Storage;

/// <summary>Saga store on PostgreSQL, for several replicas of a service on one database.</summary>
internal sealed class PostgresSagaDatabase : SagaDatabase
{
    // Serialises schema changes of replicas starting together; the number only has to be stable.
    private const long MigrationLockKey = 0x5A6A_5703E;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ConcurrentDictionary<string, string> _statements = new();

    public PostgresSagaDatabase(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // Every transition runs the same few statements: prepared once per connection, they skip parsing and planning.
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public override string Provider => "Postgres";

    public override async Task MigrateAsync(IReadOnlyCollection<SagaMap> maps, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({MigrationLockKey})", cancellationToken);
        await ExecuteAsync(connection,
            "CREATE TABLE IF NOT EXISTS saga_store_schema (id integer PRIMARY KEY CHECK (id = 1), version integer NOT NULL, upgraded_at timestamptz NOT NULL)",
            cancellationToken);

        await using (var read = new NpgsqlCommand("SELECT version FROM saga_store_schema WHERE id = 1", connection))
        {
            var found = (int?)await read.ExecuteScalarAsync(cancellationToken);
            if (found > SchemaVersion)
                throw NewerSchema(found.Value);
            if (found != SchemaVersion)
            {
                if ((found ?? 0) < 1)
                {
                    await ExecuteAsync(connection, """
                        CREATE TABLE IF NOT EXISTS saga_history (
                            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                            saga_type text NOT NULL,
                            correlation_id uuid NOT NULL,
                            occurred_at timestamptz NOT NULL,
                            event text NOT NULL,
                            from_state text NULL,
                            to_state text NULL,
                            message_id uuid NULL,
                            error text NULL);
                        CREATE INDEX IF NOT EXISTS saga_history_instance ON saga_history (correlation_id, id);
                        """, cancellationToken);
                }
                await ExecuteAsync(connection,
                    $"INSERT INTO saga_store_schema (id, version, upgraded_at) VALUES (1, {SchemaVersion}, now()) " +
                    "ON CONFLICT (id) DO UPDATE SET version = excluded.version, upgraded_at = excluded.upgraded_at",
                    cancellationToken);
            }
        }

        foreach (var map in maps)
            await EnsureTableAsync(connection, map, cancellationToken);

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task EnsureTableAsync(NpgsqlConnection connection, SagaMap map, CancellationToken cancellationToken)
    {
        var t = map.Table;
        await ExecuteAsync(connection, $"""
            CREATE TABLE IF NOT EXISTS {t} (
                correlation_id uuid PRIMARY KEY,
                state text NULL,
                flow_id text NULL,
                version integer NOT NULL,
                data jsonb NOT NULL,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                finished_at timestamptz NULL,
                deadline_at timestamptz NULL,
                deadline_event text NULL);
            CREATE INDEX IF NOT EXISTS {t}_created ON {t} (created_at DESC);
            CREATE INDEX IF NOT EXISTS {t}_state ON {t} (state, created_at DESC);
            CREATE INDEX IF NOT EXISTS {t}_flow_id ON {t} (flow_id);
            CREATE INDEX IF NOT EXISTS {t}_deadline ON {t} (deadline_at) WHERE deadline_at IS NOT NULL;
            CREATE INDEX IF NOT EXISTS {t}_finished ON {t} (finished_at) WHERE finished_at IS NOT NULL;
            """, cancellationToken);

        var existing = new HashSet<string>(StringComparer.Ordinal);
        await using (var columns = new NpgsqlCommand(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @t", connection))
        {
            columns.Parameters.AddWithValue("t", t);
            await using var reader = await columns.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                existing.Add(reader.GetString(0));
        }

        foreach (var index in map.Indexes)
        {
            // A newly declared index starts from the documents already stored, so correlation finds old instances too.
            if (!existing.Contains(index.Column))
            {
                await ExecuteAsync(connection,
                    $"ALTER TABLE {t} ADD COLUMN {index.Column} text NULL; UPDATE {t} SET {index.Column} = data ->> '{index.Property.Name}'",
                    cancellationToken);
            }
            await ExecuteAsync(connection, $"CREATE INDEX IF NOT EXISTS {t}_{index.Column} ON {t} ({index.Column})", cancellationToken);
        }
    }

    public override async Task<SagaRow?> LoadAsync(SagaMap map, Guid correlationId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(Statement(map, "load", () =>
            $"SELECT {RowColumns} FROM {map.Table} WHERE correlation_id = @id"));
        command.Parameters.AddWithValue("id", correlationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRow(reader) : null;
    }

    public override async Task<IReadOnlyList<SagaRow>> QueryAsync(SagaMap map, SqlFilter filter, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {RowColumns} FROM {map.Table} WHERE {filter.Where}");
        foreach (var (name, value) in filter.Parameters)
            command.Parameters.AddWithValue(name.TrimStart('@'), value ?? DBNull.Value);
        return await ReadRowsAsync(command, cancellationToken);
    }

    public override async Task<bool> InsertAsync(SagaMap map, SagaWrite write, CancellationToken cancellationToken)
    {
        var withHistory = write.History is not null;
        var sql = Statement(map, withHistory ? "insert+history" : "insert", () =>
        {
            var indexColumns = string.Concat(map.Indexes.Select(i => ", " + i.Column));
            var indexValues = string.Concat(map.Indexes.Select((_, n) => $", @ix{n}"));
            var insert =
                $"INSERT INTO {map.Table} ({RowColumns}{indexColumns}) " +
                $"VALUES (@id, @state, @flow_id, 1, @data, @at, @at, @finished_at, @deadline_at, @deadline_event{indexValues}) " +
                "ON CONFLICT (correlation_id) DO NOTHING";
            return withHistory ? $"WITH written AS ({insert} RETURNING correlation_id) {HistoryFromWritten}" : insert;
        });
        await using var command = _dataSource.CreateCommand(sql);
        BindWrite(command, map, write, write.Deadline ?? DeadlineChange.Clear);
        command.Parameters.AddWithValue("finished_at", NpgsqlDbType.TimestampTz, write.Finished ? write.At : DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public override async Task<bool> UpdateAsync(SagaMap map, SagaWrite write, int expectedVersion, CancellationToken cancellationToken)
    {
        var deadline = write.Finished ? DeadlineChange.Clear : write.Deadline;
        var variant = (deadline is null ? "" : "+deadline") + (write.Finished ? "+finished" : "");
        var sql = Statement(map, "update" + variant, () =>
        {
            var set = "state = @state, flow_id = @flow_id, version = version + 1, data = @data, updated_at = @at"
                + (write.Finished ? ", finished_at = @at" : "")
                + (deadline is null ? "" : ", deadline_at = @deadline_at, deadline_event = @deadline_event")
                + string.Concat(map.Indexes.Select((i, n) => $", {i.Column} = @ix{n}"));
            return $"WITH written AS (UPDATE {map.Table} SET {set} WHERE correlation_id = @id AND version = @expected RETURNING correlation_id) " +
                HistoryFromWritten;
        });
        await using var command = _dataSource.CreateCommand(sql);
        BindWrite(command, map, write, deadline);
        command.Parameters.AddWithValue("expected", expectedVersion);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private const string HistoryFromWritten =
        "INSERT INTO saga_history (saga_type, correlation_id, occurred_at, event, from_state, to_state, message_id, error) " +
        "SELECT @saga_type, correlation_id, @at, @event, @from_state, @to_state, @message_id, @error FROM written";

    private static void BindWrite(NpgsqlCommand command, SagaMap map, SagaWrite write, DeadlineChange? deadline)
    {
        var p = command.Parameters;
        p.AddWithValue("id", write.CorrelationId);
        p.AddWithValue("state", (object?)write.State ?? DBNull.Value);
        p.AddWithValue("flow_id", (object?)write.FlowId ?? DBNull.Value);
        p.Add(new NpgsqlParameter("data", NpgsqlDbType.Jsonb) { Value = write.Data });
        p.AddWithValue("at", write.At);
        if (deadline is not null)
        {
            p.AddWithValue("deadline_at", NpgsqlDbType.TimestampTz, (object?)deadline.At ?? DBNull.Value);
            p.AddWithValue("deadline_event", NpgsqlDbType.Text, (object?)deadline.EventType ?? DBNull.Value);
        }
        for (var n = 0; n < map.Indexes.Count; n++)
            p.AddWithValue("ix" + n, NpgsqlDbType.Text, (object?)write.IndexValues[n] ?? DBNull.Value);
        if (write.History is { } history)
        {
            p.AddWithValue("saga_type", map.Name);
            p.AddWithValue("event", history.Event);
            p.AddWithValue("from_state", NpgsqlDbType.Text, (object?)history.FromState ?? DBNull.Value);
            p.AddWithValue("to_state", NpgsqlDbType.Text, (object?)history.ToState ?? DBNull.Value);
            p.AddWithValue("message_id", NpgsqlDbType.Uuid, (object?)history.MessageId ?? DBNull.Value);
            p.AddWithValue("error", NpgsqlDbType.Text, (object?)history.Error ?? DBNull.Value);
        }
    }

    public override async Task AppendHistoryAsync(SagaMap map, Guid correlationId, TransitionRecord record, DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "INSERT INTO saga_history (saga_type, correlation_id, occurred_at, event, from_state, to_state, message_id, error) " +
            "VALUES (@saga_type, @id, @at, @event, @from_state, @to_state, @message_id, @error)");
        var p = command.Parameters;
        p.AddWithValue("saga_type", map.Name);
        p.AddWithValue("id", correlationId);
        p.AddWithValue("at", at);
        p.AddWithValue("event", record.Event);
        p.AddWithValue("from_state", NpgsqlDbType.Text, (object?)record.FromState ?? DBNull.Value);
        p.AddWithValue("to_state", NpgsqlDbType.Text, (object?)record.ToState ?? DBNull.Value);
        p.AddWithValue("message_id", NpgsqlDbType.Uuid, (object?)record.MessageId ?? DBNull.Value);
        p.AddWithValue("error", NpgsqlDbType.Text, (object?)record.Error ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override async Task<int> FireDueDeadlinesAsync(SagaMap map, DateTimeOffset now, int limit, Func<DueDeadline, Task> publish,
        CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var due = new List<DueDeadline>();
        // SKIP LOCKED: a replica sweeping at the same moment takes other rows instead of waiting for these.
        await using (var claim = new NpgsqlCommand(
            $"SELECT correlation_id, flow_id, deadline_at, deadline_event FROM {map.Table} " +
            "WHERE deadline_at <= @now ORDER BY deadline_at LIMIT @limit FOR UPDATE SKIP LOCKED", connection, transaction))
        {
            claim.Parameters.AddWithValue("now", now);
            claim.Parameters.AddWithValue("limit", limit);
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(new DueDeadline(reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.GetFieldValue<DateTimeOffset>(2), reader.IsDBNull(3) ? "" : reader.GetString(3)));
            }
        }
        if (due.Count == 0)
            return 0;

        var published = new List<Guid>(due.Count);
        Exception? failure = null;
        foreach (var deadline in due)
        {
            try
            {
                await publish(deadline);
                published.Add(deadline.CorrelationId);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failure = ex;
                break;
            }
        }

        if (published.Count > 0)
        {
            await using var clear = new NpgsqlCommand(
                $"UPDATE {map.Table} SET deadline_at = NULL, deadline_event = NULL WHERE correlation_id = ANY(@ids)", connection, transaction);
            clear.Parameters.AddWithValue("ids", published.ToArray());
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);

        if (failure is not null)
            throw new InvalidOperationException($"Publishing the deadline event of {map.Name} failed; it is retried on the next sweep.", failure);
        return published.Count;
    }

    public override async Task<int> PurgeFinishedAsync(SagaMap map, DateTimeOffset finishedBefore, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            $"WITH purged AS (DELETE FROM {map.Table} WHERE finished_at < @before RETURNING correlation_id), " +
            "history AS (DELETE FROM saga_history h USING purged WHERE h.correlation_id = purged.correlation_id AND h.saga_type = @saga_type) " +
            "SELECT count(*) FROM purged");
        command.Parameters.AddWithValue("before", finishedBefore);
        command.Parameters.AddWithValue("saga_type", map.Name);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public override async Task<IReadOnlyList<SagaRow>> ListAsync(SagaMap map, string? state, string? flowId, int offset, int limit,
        CancellationToken cancellationToken)
    {
        var where = new List<string>();
        if (state is not null)
            where.Add("state = @state");
        if (flowId is not null)
            where.Add("flow_id = @flow_id");
        await using var command = _dataSource.CreateCommand(
            $"SELECT {RowColumns} FROM {map.Table}" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") +
            " ORDER BY created_at DESC, correlation_id LIMIT @limit OFFSET @offset");
        if (state is not null)
            command.Parameters.AddWithValue("state", state);
        if (flowId is not null)
            command.Parameters.AddWithValue("flow_id", flowId);
        command.Parameters.AddWithValue("limit", limit);
        command.Parameters.AddWithValue("offset", offset);
        return await ReadRowsAsync(command, cancellationToken);
    }

    public override async Task<IReadOnlyList<SagaHistoryEntry>> HistoryAsync(SagaMap map, Guid correlationId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            $"SELECT {HistoryColumns} FROM saga_history WHERE correlation_id = @id AND saga_type = @saga_type ORDER BY id");
        command.Parameters.AddWithValue("id", correlationId);
        command.Parameters.AddWithValue("saga_type", map.Name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<SagaHistoryEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new SagaHistoryEntry
            {
                Sequence = reader.GetInt64(0),
                SagaType = reader.GetString(1),
                CorrelationId = reader.GetGuid(2),
                OccurredAt = reader.GetFieldValue<DateTimeOffset>(3),
                Event = reader.GetString(4),
                FromState = reader.IsDBNull(5) ? null : reader.GetString(5),
                ToState = reader.IsDBNull(6) ? null : reader.GetString(6),
                MessageId = reader.IsDBNull(7) ? null : reader.GetGuid(7),
                Error = reader.IsDBNull(8) ? null : reader.GetString(8),
            });
        }
        return entries;
    }

    public override async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private string Statement(SagaMap map, string kind, Func<string> build) =>
        _statements.GetOrAdd(map.Table + "/" + kind, _ => build());

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<IReadOnlyList<SagaRow>> ReadRowsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<SagaRow>();
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(ReadRow(reader));
        return rows;
    }

    private static SagaRow ReadRow(DbDataReader reader) => new(
        reader.GetGuid(0),
        reader.IsDBNull(1) ? null : reader.GetString(1),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        reader.GetInt32(3),
        reader.GetString(4),
        reader.GetFieldValue<DateTimeOffset>(5),
        reader.GetFieldValue<DateTimeOffset>(6),
        reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
        reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
        reader.IsDBNull(9) ? null : reader.GetString(9));
}
