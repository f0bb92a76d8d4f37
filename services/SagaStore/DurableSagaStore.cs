using Microsoft.Extensions.Logging;
using Mlops.SagaStore.Mapping;
using Mlops.SagaStore.Storage;

namespace Mlops.SagaStore;

/// <summary>The store of one service: its database, the saga types registered on it, and the schema made ready once.</summary>
internal sealed class DurableSagaStore : IAsyncDisposable
{
    private readonly ILogger<DurableSagaStore> _logger;
    private readonly Lock _readyLock = new();
    private Task? _ready;

    public DurableSagaStore(SagaStoreOptions options, IEnumerable<SagaMap> maps, TimeProvider time, ILogger<DurableSagaStore> logger)
    {
        Options = options;
        Time = time;
        _logger = logger;
        Maps = maps.DistinctBy(m => m.SagaType).ToArray();
        var duplicate = Maps.GroupBy(m => m.Table).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException(
                $"Saga types {string.Join(" and ", duplicate.Select(m => m.SagaType.FullName))} would share table {duplicate.Key}; rename one.");
        }
        Database = options.Provider switch
        {
            SagaStoreProvider.Postgres => new PostgresSagaDatabase(options.ConnectionString!, options.OutboxLease),
            _ => new SqliteSagaDatabase(options.SqliteConnectionString, options.OutboxLease),
        };
    }

    public SagaStoreOptions Options { get; }

    public TimeProvider Time { get; }

    public SagaDatabase Database { get; }

    public IReadOnlyList<SagaMap> Maps { get; }

    /// <summary>True once the schema is in place; background work waits for it instead of failing every round.</summary>
    public bool IsReady => _ready is { IsCompletedSuccessfully: true };

    public SagaMap? FindMap(string sagaType) =>
        Maps.FirstOrDefault(m => string.Equals(m.Name, sagaType, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether a failure to get ready is final (retrying cannot help) rather than the database being away.</summary>
    public static bool IsFatal(Exception exception) =>
        exception is SagaStoreSchemaException or SagaStoreFileInUseException
        || exception.InnerException is SagaStoreSchemaException or SagaStoreFileInUseException;

    /// <summary>Creates or upgrades the schema on first use; later calls return at once.</summary>
    public Task EnsureReadyAsync(CancellationToken cancellationToken)
    {
        var ready = _ready;
        if (ready is { IsCompletedSuccessfully: true })
            return Task.CompletedTask;
        lock (_readyLock)
        {
            // A failed attempt is retried (the database may come up later), except a fatal one, which stays as it is.
            if (_ready is null || (_ready.IsFaulted && !IsFatal(_ready.Exception!.InnerException!)) || _ready.IsCanceled)
                _ready = MigrateAsync(cancellationToken);
            return _ready;
        }
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await Database.MigrateAsync(Maps, cancellationToken);
        _logger.LogInformation("Saga store ready on {Location} (schema version {Version}) for {SagaTypes}",
            Database.Location, SagaDatabase.SchemaVersion, Maps.Count == 0 ? "no saga types" : string.Join(", ", Maps.Select(m => m.Name)));
    }

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}
