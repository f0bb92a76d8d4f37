namespace Mlops.Clients.Mlflow.Model;

/// <summary>Body of <c>experiments/create</c>.</summary>
public sealed record CreateExperimentRequest
{
    public string Name { get; init; } = "";

    public string? ArtifactLocation { get; init; }

    public IReadOnlyList<MlflowTag>? Tags { get; init; }
}
