namespace Mlops.Clients.Mlflow.Model;

/// <summary>Answer holding one experiment.</summary>
public sealed record ExperimentResponse
{
    public MlflowExperiment Experiment { get; init; } = new();
}
