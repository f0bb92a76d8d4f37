namespace Mlops.Contracts;

/// <summary>The training Kubernetes Job (or Argo Workflow) was created.</summary>
public sealed record TrainingJobSubmitted : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required Guid TrainingId { get; init; }

    public required string Namespace { get; init; }

    /// <summary>The Job's or the Workflow's name: unique per attempt.</summary>
    public required string JobName { get; init; }

    public required string MlflowRunId { get; init; }

    /// <summary><c>Job</c> or <c>Workflow</c>.</summary>
    public string Kind { get; init; } = "Job";

    /// <summary>1 for the first Job of the run, counting up with each replay of a failed one.</summary>
    public int Attempt { get; init; } = 1;
}
