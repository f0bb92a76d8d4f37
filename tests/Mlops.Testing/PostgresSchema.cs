using Npgsql;

namespace Mlops.Testing;

/// <summary>
/// A fresh schema of the test PostgreSQL database for one test, with a connection string whose <c>Search Path</c> selects
/// it; dropped with everything in it on dispose, so tests never see each other's tables.
/// </summary>
public sealed class PostgresSchema : IAsyncDisposable
{
    private PostgresSchema(string name)
    {
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresConnectionString) { SearchPath = name }.ConnectionString;
    }

    public string Name { get; }

    /// <summary>The test database's connection string with <c>Search Path</c> set to this schema.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates <c>{prefix}_{random}</c>; the prefix is lowercase letters, digits and underscores.</summary>
    public static async Task<PostgresSchema> CreateAsync(string prefix = "test")
    {
        if (string.IsNullOrEmpty(prefix) || prefix.Length > 40 || !prefix.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
            throw new ArgumentException("A schema prefix is 1 to 40 lowercase letters, digits or underscores.", nameof(prefix));
        var schema = new PostgresSchema($"{prefix}_{Guid.NewGuid().ToString("N")[..12]}");
        await AdminAsync($"CREATE SCHEMA {schema.Name}");
        return schema;
    }

    /// <summary>Configuration keys that point a service's saga store at this schema.</summary>
    public IReadOnlyDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["SagaStore:Provider"] = "Postgres",
        ["SagaStore:ConnectionString"] = ConnectionString,
    };

    /// <summary>Runs SQL in this schema outside any service, as an operator would.</summary>
    public async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>The first column of the first row of <paramref name="sql"/> in this schema.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    public async ValueTask DisposeAsync()
    {
        // Pooled connections hold locks on the schema's tables; they go first.
        await using (var pooled = new NpgsqlConnection(ConnectionString))
            NpgsqlConnection.ClearPool(pooled);
        await AdminAsync($"DROP SCHEMA IF EXISTS {Name} CASCADE");
    }

    private static async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestEnvironment.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
