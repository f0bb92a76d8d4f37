namespace Mlops.SagaStore.Storage;

/// <summary>How many messages of an outbox transaction the broker confirmed; the transaction is done when all are.</summary>
internal readonly record struct OutboxProgress(long Id, int Delivered, bool Complete);
