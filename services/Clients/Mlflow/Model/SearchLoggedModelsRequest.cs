namespace Mlops.Clients.Mlflow.Model;

/// <summary>Body of MLflow 3's <c>logged-models/search</c>.</summary>
public sealed record SearchLoggedModelsRequest
{
    /// <summary>Required: the experiments to look in.</summary>
    public IReadOnlyList<string> ExperimentIds { get; init; } = [];

    /// <summary>e.g. <c>source_run_id = '…'</c></summary>
    public string? Filter { get; init; }

    public int? MaxResults { get; init; }

    public IReadOnlyList<LoggedModelOrder>? OrderBy { get; init; }

    public string? PageToken { get; init; }
}
