namespace Mlops.Clients.Mlflow.Model;

/// <summary>Body of <c>runs/log-batch</c>: at most 1000 metrics, 100 params and 100 tags.</summary>
public sealed record LogBatchRequest
{
    public string RunId { get; init; } = "";

    public IReadOnlyList<MlflowMetric>? Metrics { get; init; }

    public IReadOnlyList<MlflowParam>? Params { get; init; }

    public IReadOnlyList<MlflowTag>? Tags { get; init; }
}
