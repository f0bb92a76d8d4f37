namespace Mlops.Contracts;

/// <summary>The model server Deployment for a version was applied and is rolling out.</summary>
public sealed record ServingRolloutStarted : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string ModelName { get; init; }

    public required string Version { get; init; }

    public required string Namespace { get; init; }

    public required string DeploymentName { get; init; }
}
