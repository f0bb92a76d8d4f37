namespace Mlops.ServiceDefaults.Ops;

/// <summary>Answer of <c>GET /ops/sagas</c>: one page of instances, newest first.</summary>
public sealed record OpsSagaPage
{
    public required string Service { get; init; }
    public required IReadOnlyList<OpsSagaSummary> Items { get; init; }
    public required int Page { get; init; }
    public required int PageSize { get; init; }

    /// <summary>The next page's number, or null on the last page.</summary>
    public int? NextPage { get; init; }
}
