using System.Globalization;
using Microsoft.Data.Sqlite;
using Mlops.SagaStore.Mapping;

namespace Mlops.SagaStore.Storage;

/// <summary>The store's schema in the SQLite file: created or upgraded at start-up through the file's one writer.</summary>
internal sealed partial class SqliteSagaDatabase
{
    public override async Task MigrateAsync(IReadOnlyCollection<SagaMap> maps, CancellationToken cancellationToken)
    {
        await WriteAsync((connection, transaction) =>
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
                if ((found ?? 0) < 2)
                {
                    Execute(connection, transaction, $"""
                        CREATE TABLE IF NOT EXISTS saga_inbox (
                            consumer_id TEXT NOT NULL,
                            message_id TEXT NOT NULL,
                            received_at INTEGER NOT NULL,
                            PRIMARY KEY (consumer_id, message_id)) WITHOUT ROWID;
                        CREATE TABLE IF NOT EXISTS saga_outbox (
                            id INTEGER PRIMARY KEY AUTOINCREMENT,
                            created_at INTEGER NOT NULL,
                            available_at INTEGER NOT NULL,
                            origin TEXT NOT NULL,
                            message_count INTEGER NOT NULL,
                            delivered INTEGER NOT NULL,
                            delivered_at INTEGER NULL,
                            messages TEXT NOT NULL);
                        CREATE TABLE IF NOT EXISTS saga_store_records (
                            kind TEXT NOT NULL,
                            key TEXT NOT NULL,
                            value TEXT NULL,
                            recorded_at INTEGER NOT NULL,
                            PRIMARY KEY (kind, key)) WITHOUT ROWID;
                        {OutboxIndexes}
                        """);
                }
                Execute(connection, transaction,
                    $"INSERT INTO saga_store_schema (id, version, upgraded_at) VALUES (1, {SchemaVersion}, {Now()}) " +
                    "ON CONFLICT (id) DO UPDATE SET version = excluded.version, upgraded_at = excluded.upgraded_at");
            }

            foreach (var map in maps)
                EnsureTable(connection, transaction, map);
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
                deadline_event TEXT NULL,
                deadline_error TEXT NULL) WITHOUT ROWID;
            """);

        var existing = new HashSet<string>(StringComparer.Ordinal);
        using (var columns = new SqliteCommand($"SELECT name FROM pragma_table_info('{t}')", connection, transaction))
        using (var reader = columns.ExecuteReader())
        {
            while (reader.Read())
                existing.Add(reader.GetString(0));
        }
        // Tables of schema version 1 lack the quarantine column.
        if (!existing.Contains("deadline_error"))
            Execute(connection, transaction, $"ALTER TABLE {t} ADD COLUMN deadline_error TEXT NULL");
        Execute(connection, transaction, SagaTableIndexes(t));

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

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = new SqliteCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }

    private static string Now() => Ms(DateTimeOffset.UtcNow).ToString(CultureInfo.InvariantCulture);
}
