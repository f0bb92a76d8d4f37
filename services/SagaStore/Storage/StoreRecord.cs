namespace Mlops.SagaStore.Storage;

/// <summary>A key recorded through the outbox API (e.g. a webhook delivery id); a second record of the same key is a duplicate.</summary>
internal sealed record StoreRecord(string Kind, string Key, string? Value);
