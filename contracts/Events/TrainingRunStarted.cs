namespace Mlops.Contracts;

/// <summary>The MLflow run of a training exists and is tagged with the flow, the training and the stack.</summary>
public sealed record TrainingRunStarted : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required Guid TrainingId { get; init; }

    public required string StackName { get; init; }

    public required string ExperimentId { get; init; }

    public required string MlflowRunId { get; init; }

    public string? ModelName { get; init; }

    public string? ExperimentName { get; init; }
}
