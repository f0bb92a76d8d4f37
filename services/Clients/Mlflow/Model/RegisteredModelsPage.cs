namespace Mlops.Clients.Mlflow.Model;

/// <summary>One page of <c>registered-models/search</c>.</summary>
public sealed record RegisteredModelsPage
{
    public IReadOnlyList<MlflowRegisteredModel> RegisteredModels { get; init; } = [];

    /// <summary>Null or empty on the last page.</summary>
    public string? NextPageToken { get; init; }
}
