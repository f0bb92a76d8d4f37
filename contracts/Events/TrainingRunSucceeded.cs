namespace Mlops.Contracts;

/// <summary>The training Job completed and its run was logged.</summary>
public sealed record TrainingRunSucceeded : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required Guid TrainingId { get; init; }

    public required string MlflowRunId { get; init; }

    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
}
