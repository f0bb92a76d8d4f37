using Mlops.SagaStore.Tests.Stores;

namespace Mlops.SagaStore.Tests;

/// <summary>The outbox and inbox contract on SQLite files.</summary>
public sealed class SqliteInboxAndOutboxTests : InboxAndOutboxContract
{
    protected override Task<StoreDatabase> NewDatabaseAsync() => Task.FromResult<StoreDatabase>(new SqliteStoreDatabase());
}
