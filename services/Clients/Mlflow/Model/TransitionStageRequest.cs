namespace Mlops.Clients.Mlflow.Model;

/// <summary>Body of <c>model-versions/transition-stage</c> (stages are deprecated; aliases replace them).</summary>
public sealed record TransitionStageRequest
{
    public string Name { get; init; } = "";

    public string Version { get; init; } = "";

    public string Stage { get; init; } = "";

    public bool ArchiveExistingVersions { get; init; }
}
