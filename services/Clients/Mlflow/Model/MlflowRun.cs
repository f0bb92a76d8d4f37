namespace Mlops.Clients.Mlflow.Model;

/// <summary>A run: its info and data.</summary>
public sealed record MlflowRun
{
    public MlflowRunInfo Info { get; init; } = new();

    public MlflowRunData Data { get; init; } = new();
}
