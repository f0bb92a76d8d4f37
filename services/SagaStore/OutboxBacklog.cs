namespace Mlops.SagaStore;

/// <summary>Outbox transactions not delivered yet, and when the oldest of them was committed.</summary>
public sealed record OutboxBacklog(int Pending, DateTimeOffset? OldestCommittedAt);
