namespace Mlops.Clients.Mlflow.Model;

/// <summary>Body of <c>registered-models/get-latest-versions</c>.</summary>
public sealed record GetLatestVersionsRequest
{
    public string Name { get; init; } = "";

    public IReadOnlyList<string>? Stages { get; init; }
}
