namespace Mlops.Clients.Mlflow.Model;

/// <summary>One logged value of a metric at a step; timestamp in milliseconds since the epoch.</summary>
public sealed record MlflowMetric
{
    public string Key { get; init; } = "";

    public double Value { get; init; }

    public long Timestamp { get; init; }

    public long Step { get; init; }
}
