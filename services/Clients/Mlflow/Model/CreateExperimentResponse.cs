namespace Mlops.Clients.Mlflow.Model;

/// <summary>Answer of <c>experiments/create</c>.</summary>
public sealed record CreateExperimentResponse
{
    public string ExperimentId { get; init; } = "";
}
