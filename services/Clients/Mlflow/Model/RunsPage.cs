namespace Mlops.Clients.Mlflow.Model;

/// <summary>One page of <c>runs/search</c>.</summary>
public sealed record RunsPage
{
    public IReadOnlyList<MlflowRun> Runs { get; init; } = [];

    /// <summary>Null or empty on the last page.</summary>
    public string? NextPageToken { get; init; }
}
