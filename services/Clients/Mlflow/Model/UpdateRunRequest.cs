namespace Mlops.Clients.Mlflow.Model;

/// <summary>Body of <c>runs/update</c>.</summary>
public sealed record UpdateRunRequest
{
    public string RunId { get; init; } = "";

    /// <summary>See <see cref="MlflowRunStatus"/>.</summary>
    public string? Status { get; init; }

    public long? EndTime { get; init; }

    public string? RunName { get; init; }
}
