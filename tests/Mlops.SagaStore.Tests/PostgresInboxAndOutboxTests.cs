using Mlops.SagaStore.Tests.Stores;

namespace Mlops.SagaStore.Tests;

/// <summary>The outbox and inbox contract on the real PostgreSQL started by ./test.sh.</summary>
public sealed class PostgresInboxAndOutboxTests : InboxAndOutboxContract
{
    protected override async Task<StoreDatabase> NewDatabaseAsync() => await PostgresStoreDatabase.CreateAsync();
}
