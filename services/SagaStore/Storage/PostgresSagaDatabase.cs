using System.Data;
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

    public PostgresSagaDatabase(string connectionString)
        : base(ParameterNames.Bare)
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

    // SKIP LOCKED: a replica sweeping at the same moment takes other rows instead of waiting for these.
    protected override string ClaimLock => " FOR UPDATE SKIP LOCKED";

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
            {SagaTableIndexes(t)}
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

    public override async Task<bool> InsertAsync(SagaMap map, SagaWrite write, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(InsertStatement(map, write));
        BindInsert(command, map, write);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public override async Task<bool> UpdateAsync(SagaMap map, SagaWrite write, int expectedVersion, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(UpdateStatement(map, write));
        BindUpdate(command, map, write, expectedVersion);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public override async Task AppendHistoryAsync(SagaMap map, Guid correlationId, TransitionRecord record, DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(AppendHistorySql);
        BindAppendHistory(command, map, correlationId, record, at);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override async Task<int> FireDueDeadlinesAsync(SagaMap map, DateTimeOffset now, int limit, Func<DueDeadline, Task> publish,
        CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var due = await ClaimDueAsync(connection, transaction, map, now, limit, cancellationToken);
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

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    protected override ValueTask<DbConnection> OpenReaderAsync(CancellationToken cancellationToken) =>
        ((DbDataSource)_dataSource).OpenConnectionAsync(cancellationToken);

    // One statement: the history row is inserted from what the write returned, so no row means no history line.
    protected override string ThenAppendHistory(string write) =>
        $"WITH written AS ({write} RETURNING correlation_id) " + InsertHistory +
        "SELECT @saga_type, correlation_id, @at, @event, @from_state, @to_state, @message_id, @error FROM written";

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

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
