namespace Mlops.SagaStore.Tests.Stores;

/// <summary>A throwaway database for one test: a SQLite file or a PostgreSQL schema, removed afterwards.</summary>
public abstract class StoreDatabase : IAsyncDisposable
{
    /// <summary>Store options pointing at this database, with quick sweeps so deadline tests finish fast.</summary>
    public abstract SagaStoreOptions Options(TimeSpan? keepFinishedFor = null);

    /// <summary>Runs SQL outside the store, as another writer or an operator would.</summary>
    public abstract Task ExecuteAsync(string sql);

    /// <summary>Names of the indexes on <paramref name="table"/>.</summary>
    public abstract Task<IReadOnlyList<string>> IndexesAsync(string table);

    /// <summary>The SQL literal of a correlation id as this provider stores it.</summary>
    public abstract string IdLiteral(Guid id);

    public abstract ValueTask DisposeAsync();

    protected static SagaStoreOptions Quick(SagaStoreOptions options, TimeSpan? keepFinishedFor)
    {
        options.SweepInterval = TimeSpan.FromMilliseconds(50);
        options.PurgeInterval = TimeSpan.FromMilliseconds(100);
        options.KeepFinishedFor = keepFinishedFor;
        return options;
    }
}
