namespace Mlops.SagaStore.Tests.Stores;

/// <summary>A throwaway database for one test: a SQLite file or a PostgreSQL schema, removed afterwards.</summary>
public abstract class StoreDatabase : IAsyncDisposable
{
    /// <summary>Store options pointing at this database, with quick sweeps so deadline tests finish fast.</summary>
    public abstract SagaStoreOptions Options(TimeSpan? keepFinishedFor = null);

    /// <summary>Settings of a service process on this database, as environment variables.</summary>
    public abstract Dictionary<string, string?> Settings();

    /// <summary>Runs SQL outside the store, as another writer or an operator would.</summary>
    public abstract Task ExecuteAsync(string sql);

    /// <summary>Rows in <paramref name="table"/>.</summary>
    public abstract Task<long> CountAsync(string table);

    /// <summary>Names of the indexes on <paramref name="table"/>.</summary>
    public abstract Task<IReadOnlyList<string>> IndexesAsync(string table);

    /// <summary>A SQL literal of a time long past, in this provider's time column type.</summary>
    public abstract string PastTimeLiteral { get; }

    /// <summary>The SQL literal of a correlation id as this provider stores it.</summary>
    public abstract string IdLiteral(Guid id);

    public abstract ValueTask DisposeAsync();

    protected static SagaStoreOptions Quick(SagaStoreOptions options, TimeSpan? keepFinishedFor)
    {
        options.SweepInterval = TimeSpan.FromMilliseconds(50);
        options.PurgeInterval = TimeSpan.FromMilliseconds(100);
        options.KeepFinishedFor = keepFinishedFor;
        options.OutboxDispatchInterval = TimeSpan.FromMilliseconds(100);
        return options;
    }
}
