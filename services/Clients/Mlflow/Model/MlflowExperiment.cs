namespace Mlops.Clients.Mlflow.Model;

/// <summary>An experiment: a named group of runs with one artifact location.</summary>
public sealed record MlflowExperiment
{
    public string ExperimentId { get; init; } = "";

    public string Name { get; init; } = "";

    public string? ArtifactLocation { get; init; }

    public string? LifecycleStage { get; init; }

    public long? LastUpdateTime { get; init; }

    public long? CreationTime { get; init; }

    public IReadOnlyList<MlflowTag> Tags { get; init; } = [];
}
