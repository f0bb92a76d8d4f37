namespace Mlops.Clients.Mlflow.Model;

/// <summary>One page of <c>model-versions/search</c>.</summary>
public sealed record ModelVersionsPage
{
    public IReadOnlyList<MlflowModelVersion> ModelVersions { get; init; } = [];

    /// <summary>Null or empty on the last page.</summary>
    public string? NextPageToken { get; init; }
}
