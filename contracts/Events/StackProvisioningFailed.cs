namespace Mlops.Contracts;

/// <summary>A stack step failed for good; the reason says which and why.</summary>
public sealed record StackProvisioningFailed : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string StackName { get; init; }

    public required string Step { get; init; }

    public required string Reason { get; init; }
}
