namespace Mlops.Clients.Mlflow.Model;

/// <summary>Body of <c>runs/search</c>.</summary>
public sealed record SearchRunsRequest
{
    public IReadOnlyList<string> ExperimentIds { get; init; } = [];

    /// <summary>e.g. <c>tags.`mlops.flow_id` = '…'</c></summary>
    public string? Filter { get; init; }

    /// <summary><c>ACTIVE_ONLY</c> (default), <c>DELETED_ONLY</c> or <c>ALL</c>.</summary>
    public string? RunViewType { get; init; }

    public int? MaxResults { get; init; }

    public IReadOnlyList<string>? OrderBy { get; init; }

    public string? PageToken { get; init; }
}
