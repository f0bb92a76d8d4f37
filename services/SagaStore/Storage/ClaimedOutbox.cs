namespace Mlops.SagaStore.Storage;

/// <summary>An outbox transaction a dispatcher claimed: its messages as stored and how many went out already.</summary>
internal sealed record ClaimedOutbox(long Id, string Origin, int Delivered, string Messages);
