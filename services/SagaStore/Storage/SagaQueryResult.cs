namespace Mlops.SagaStore.Storage;

/// <summary>The instances a correlation query found, with whether the message is already in the inbox.</summary>
internal readonly record struct SagaQueryResult(bool Seen, IReadOnlyList<SagaRow> Rows);
