namespace Mlops.SagaStore;

/// <summary>The database engine a saga store runs on.</summary>
public enum SagaStoreProvider
{
    /// <summary>One file in the service's data directory; for a single replica.</summary>
    Sqlite,

    /// <summary>A shared PostgreSQL database; for several replicas of a service.</summary>
    Postgres,
}
