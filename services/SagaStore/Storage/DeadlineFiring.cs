using Mlops.SagaStore.Outbox;

namespace Mlops.SagaStore.Storage;

/// <summary>What a sweep does with one passed deadline: its timeout message in the outbox, or the reason it is quarantined.</summary>
internal sealed record DeadlineFiring(DueDeadline Deadline, OutboxBatch? Timeout, string? Error);
