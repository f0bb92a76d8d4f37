using Npgsql;

namespace Mlops.SagaStore.Benchmarks;

/// <summary>A fresh store for one measurement: a SQLite file in a temp folder or a PostgreSQL schema, removed afterwards.</summary>
internal sealed class BenchmarkStore : IAsyncDisposable
{
    private readonly string? _directory;
    private readonly string? _schema;
    private readonly string _adminConnectionString;

    private BenchmarkStore(SagaStoreOptions options, string adminConnectionString, string? directory, string? schema)
    {
        Options = options;
        _adminConnectionString = adminConnectionString;
        _directory = directory;
        _schema = schema;
    }

    public SagaStoreOptions Options { get; }

    public static async Task<BenchmarkStore> CreateAsync(SagaStoreProvider provider, string postgres)
    {
        if (provider == SagaStoreProvider.Sqlite)
        {
            var directory = Path.Combine(Path.GetTempPath(), "saga-store-bench", Guid.NewGuid().ToString("N"));
            return new BenchmarkStore(new SagaStoreOptions { Provider = provider, DataDirectory = directory }, postgres, directory, null);
        }
        var schema = "saga_bench_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(postgres, $"CREATE SCHEMA {schema}");
        var connectionString = new NpgsqlConnectionStringBuilder(postgres) { SearchPath = schema }.ConnectionString;
        return new BenchmarkStore(new SagaStoreOptions { Provider = provider, ConnectionString = connectionString }, postgres, null, schema);
    }

    public async ValueTask DisposeAsync()
    {
        if (_schema is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(_adminConnectionString, $"DROP SCHEMA IF EXISTS {_schema} CASCADE");
        }
        if (_directory is not null && Directory.Exists(_directory))
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
