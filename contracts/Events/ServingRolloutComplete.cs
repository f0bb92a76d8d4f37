namespace Mlops.Contracts;

/// <summary>The model server rolled out by kubectl's rule and serves the version.</summary>
public sealed record ServingRolloutComplete : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string ModelName { get; init; }

    public required string Version { get; init; }

    public required string Namespace { get; init; }

    public required string DeploymentName { get; init; }

    /// <summary>When this rollout attempt began (null from senders older than this member), so its duration can be measured.</summary>
    public DateTimeOffset? StartedAt { get; init; }
}
