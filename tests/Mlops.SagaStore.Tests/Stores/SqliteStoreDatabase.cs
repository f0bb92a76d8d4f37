using Microsoft.Data.Sqlite;

namespace Mlops.SagaStore.Tests.Stores;

/// <summary>A SQLite store in a fresh data directory.</summary>
public sealed class SqliteStoreDatabase : StoreDatabase
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "saga-store-tests", Guid.NewGuid().ToString("N"));

    public string FilePath => Path.Combine(_directory, SagaStoreOptions.SqliteFileName);

    public override SagaStoreOptions Options(TimeSpan? keepFinishedFor = null) =>
        Quick(new SagaStoreOptions { Provider = SagaStoreProvider.Sqlite, DataDirectory = _directory }, keepFinishedFor);

    public override async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={FilePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = new SqliteCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public override async Task<long> CountAsync(string table)
    {
        await using var connection = new SqliteConnection($"Data Source={FilePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = new SqliteCommand($"SELECT count(*) FROM {table}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public override async Task<IReadOnlyList<string>> IndexesAsync(string table)
    {
        await using var connection = new SqliteConnection($"Data Source={FilePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = new SqliteCommand("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = @t", connection);
        command.Parameters.AddWithValue("@t", table);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            names.Add(reader.GetString(0));
        return names;
    }

    public override Dictionary<string, string?> Settings() => new()
    {
        ["SagaStore:Provider"] = "Sqlite",
        ["SagaStore:DataDirectory"] = _directory,
    };

    public override string PastTimeLiteral => "1";

    public override string IdLiteral(Guid id) => $"'{id:D}'";

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
