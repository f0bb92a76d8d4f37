using Mlops.SagaStore.Tests.Stores;

namespace Mlops.SagaStore.Tests;

/// <summary>The saga store contract on the real PostgreSQL started by ./test.sh.</summary>
public sealed class PostgresSagaStoreTests : SagaStoreContract
{
    protected override async Task<StoreDatabase> NewDatabaseAsync() => await PostgresStoreDatabase.CreateAsync();
}
