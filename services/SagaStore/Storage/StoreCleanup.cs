namespace Mlops.SagaStore.Storage;

/// <summary>Rows removed by one cleanup round.</summary>
internal readonly record struct StoreCleanup(int InboxRows, int Records, int OutboxRows);
