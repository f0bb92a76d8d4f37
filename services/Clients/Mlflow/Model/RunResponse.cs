namespace Mlops.Clients.Mlflow.Model;

/// <summary>Answer holding one run.</summary>
public sealed record RunResponse
{
    public MlflowRun Run { get; init; } = new();
}
