namespace Mlops.SagaStore.Storage;

/// <summary>A saga read for a message, with whether that message is already in the inbox (one read answers both).</summary>
internal readonly record struct SagaLoad(bool Seen, SagaRow? Row);
