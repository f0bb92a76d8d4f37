namespace Mlops.Contracts;

/// <summary>The training Kubernetes Job was created.</summary>
public sealed record TrainingJobSubmitted : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required Guid TrainingId { get; init; }

    public required string Namespace { get; init; }

    public required string JobName { get; init; }

    public required string MlflowRunId { get; init; }
}
