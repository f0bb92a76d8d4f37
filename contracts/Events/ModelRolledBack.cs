namespace Mlops.Contracts;

/// <summary>The model server serves an earlier version again.</summary>
public sealed record ModelRolledBack : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string ModelName { get; init; }

    public required string FailedVersion { get; init; }

    public string? RestoredVersion { get; init; }

    public required string Reason { get; init; }
}
