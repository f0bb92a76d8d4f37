namespace Mlops.Clients.Mlflow.Model;

/// <summary>Answer of <c>runs/update</c>.</summary>
public sealed record UpdateRunResponse
{
    public MlflowRunInfo RunInfo { get; init; } = new();
}
