using Microsoft.Data.Sqlite;

namespace Mlops.Testing;

/// <summary>A SQLite saga store of one test: a fresh folder for <c>sagas.db</c>, deleted with everything in it afterwards.</summary>
public sealed class SqliteStoreFile : IAsyncDisposable
{
    /// <summary>The file name the saga store gives its SQLite database inside its data directory.</summary>
    public const string FileName = "sagas.db";

    private SqliteStoreFile(string prefix)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory(prefix + "-").FullName;
    }

    /// <summary>Creates the folder <c>{prefix}-{random}</c> under the temporary folder.</summary>
    public static SqliteStoreFile Create(string prefix = "saga-store") => new(prefix);

    /// <summary>The folder, for <c>SagaStore:DataDirectory</c>.</summary>
    public string Directory { get; }

    public string FilePath => Path.Combine(Directory, FileName);

    /// <summary>Configuration keys that point a service's saga store at this file.</summary>
    public IReadOnlyDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["SagaStore:Provider"] = "Sqlite",
        ["SagaStore:DataDirectory"] = Directory,
    };

    /// <summary>A connection of its own to the file, as another reader or an operator would open it.</summary>
    public SqliteConnection Connect() => new($"Data Source={FilePath};Pooling=False");

    public ValueTask DisposeAsync()
    {
        // Pooled connections of the host keep the file open; they must go before the folder can.
        SqliteConnection.ClearAllPools();
        if (System.IO.Directory.Exists(Directory))
            System.IO.Directory.Delete(Directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
