namespace Mlops.Clients.Mlflow.Model;

/// <summary>A logged model's params and linked metrics.</summary>
public sealed record MlflowLoggedModelData
{
    public IReadOnlyList<MlflowParam> Params { get; init; } = [];

    public IReadOnlyList<MlflowMetric> Metrics { get; init; } = [];
}
