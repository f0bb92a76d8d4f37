namespace Mlops.Clients.Mlflow.Model;

/// <summary>A run's metadata: ids, status (see <see cref="MlflowRunStatus"/>), times and artifact URI.</summary>
public sealed record MlflowRunInfo
{
    public string RunId { get; init; } = "";

    public string? RunName { get; init; }

    public string ExperimentId { get; init; } = "";

    public string? UserId { get; init; }

    public string? Status { get; init; }

    public long? StartTime { get; init; }

    public long? EndTime { get; init; }

    public string? ArtifactUri { get; init; }

    public string? LifecycleStage { get; init; }
}
