namespace Mlops.SagaStore;

/// <summary>One page of saga instances, newest first.</summary>
public sealed record SagaInstancePage(IReadOnlyList<SagaInstanceRecord> Items, int Offset, bool HasMore)
{
    /// <summary>Offset of the next page, or null on the last one.</summary>
    public int? NextOffset => HasMore ? Offset + Items.Count : null;
}
