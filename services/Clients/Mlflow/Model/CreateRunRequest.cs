namespace Mlops.Clients.Mlflow.Model;

/// <summary>Body of <c>runs/create</c>; start time in milliseconds since the epoch.</summary>
public sealed record CreateRunRequest
{
    public string ExperimentId { get; init; } = "";

    public string? UserId { get; init; }

    public string? RunName { get; init; }

    public long? StartTime { get; init; }

    public IReadOnlyList<MlflowTag>? Tags { get; init; }
}
