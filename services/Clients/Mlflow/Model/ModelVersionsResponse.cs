namespace Mlops.Clients.Mlflow.Model;

/// <summary>Answer of <c>get-latest-versions</c>.</summary>
public sealed record ModelVersionsResponse
{
    public IReadOnlyList<MlflowModelVersion> ModelVersions { get; init; } = [];
}
