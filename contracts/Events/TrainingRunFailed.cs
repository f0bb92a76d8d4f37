namespace Mlops.Contracts;

/// <summary>The training failed, was rejected or was cancelled; the reason says where and why, in words a person can act on.</summary>
public sealed record TrainingRunFailed : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required Guid TrainingId { get; init; }

    public string? MlflowRunId { get; init; }

    public required string Reason { get; init; }

    /// <summary>Where it stopped: <c>validation</c>, <c>wait-for-stack</c>, <c>create-run</c>, <c>submit-job</c>, <c>register-model</c>, <c>cancel</c>, …</summary>
    public string? Step { get; init; }

    public string? StackName { get; init; }

    public string? ModelName { get; init; }

    /// <summary>The Job or Workflow, when one was submitted.</summary>
    public string? JobName { get; init; }

    /// <summary>The last lines of the training pod's log, when a pod ran.</summary>
    public IReadOnlyList<string> LogTail { get; init; } = [];

    /// <summary>True when it ended because someone cancelled it (<c>CancelSaga</c>).</summary>
    public bool Cancelled { get; init; }
}
