namespace Mlops.Clients.Mlflow.Model;

/// <summary>One page of <c>logged-models/search</c>.</summary>
public sealed record LoggedModelsPage
{
    public IReadOnlyList<MlflowLoggedModel> Models { get; init; } = [];

    /// <summary>Null or empty on the last page.</summary>
    public string? NextPageToken { get; init; }
}
