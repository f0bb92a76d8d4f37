using Mlops.SagaStore.Tests.Stores;

namespace Mlops.SagaStore.Tests;

/// <summary>The saga store contract on SQLite files.</summary>
public sealed class SqliteSagaStoreTests : SagaStoreContract
{
    protected override Task<StoreDatabase> NewDatabaseAsync() => Task.FromResult<StoreDatabase>(new SqliteStoreDatabase());
}
