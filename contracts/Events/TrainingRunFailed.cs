namespace Mlops.Contracts;

/// <summary>The training failed; the reason says where.</summary>
public sealed record TrainingRunFailed : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required Guid TrainingId { get; init; }

    public string? MlflowRunId { get; init; }

    public required string Reason { get; init; }
}
