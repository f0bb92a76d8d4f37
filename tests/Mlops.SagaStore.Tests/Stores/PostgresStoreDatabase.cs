using Mlops.Testing;
using Npgsql;

namespace Mlops.SagaStore.Tests.Stores;

/// <summary>A PostgreSQL store in a fresh schema of the test database, dropped afterwards.</summary>
public sealed class PostgresStoreDatabase : StoreDatabase
{
    private readonly string _schema = "saga_test_" + Guid.NewGuid().ToString("N")[..12];

    private PostgresStoreDatabase()
    {
    }

    /// <summary>The schema the store's tables are in (its connection's search path).</summary>
    public string Schema => _schema;

    public string ConnectionString =>
        new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresConnectionString) { SearchPath = _schema }.ConnectionString;

    public static async Task<PostgresStoreDatabase> CreateAsync()
    {
        var database = new PostgresStoreDatabase();
        await AdminAsync($"CREATE SCHEMA {database._schema}");
        return database;
    }

    public override SagaStoreOptions Options(TimeSpan? keepFinishedFor = null) =>
        Quick(new SagaStoreOptions { Provider = SagaStoreProvider.Postgres, ConnectionString = ConnectionString }, keepFinishedFor);

    public override async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public override async Task<long> CountAsync(string table)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public override async Task<IReadOnlyList<string>> IndexesAsync(string table)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT indexname FROM pg_indexes WHERE schemaname = @s AND tablename = @t", connection);
        command.Parameters.AddWithValue("s", _schema);
        command.Parameters.AddWithValue("t", table);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            names.Add(reader.GetString(0));
        return names;
    }

    public override Dictionary<string, string?> Settings() => new()
    {
        ["SagaStore:Provider"] = "Postgres",
        ["SagaStore:ConnectionString"] = ConnectionString,
    };

    public override string PastTimeLiteral => "'2000-01-01T00:00:00Z'::timestamptz";

    public override string IdLiteral(Guid id) => $"'{id:D}'::uuid";

    /// <summary>Drops the schema with every table in it, as a lost database would be.</summary>
    public Task DropAsync() => AdminAsync($"DROP SCHEMA IF EXISTS {_schema} CASCADE");

    public override async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await DropAsync();
    }

    private static async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
