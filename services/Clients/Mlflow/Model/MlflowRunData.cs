namespace Mlops.Clients.Mlflow.Model;

/// <summary>A run's latest metrics, its params and its tags.</summary>
public sealed record MlflowRunData
{
    public IReadOnlyList<MlflowMetric> Metrics { get; init; } = [];

    public IReadOnlyList<MlflowParam> Params { get; init; } = [];

    public IReadOnlyList<MlflowTag> Tags { get; init; } = [];
}
