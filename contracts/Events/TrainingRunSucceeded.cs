namespace Mlops.Contracts;

/// <summary>The training Job completed and its run was logged; a model version comes next.</summary>
public sealed record TrainingRunSucceeded : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required Guid TrainingId { get; init; }

    public required string MlflowRunId { get; init; }

    /// <summary>The run's final metrics (the last value logged of each).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    public string? ModelName { get; init; }

    public string? JobName { get; init; }
}
