namespace Mlops.Contracts;

/// <summary>Every step of the stack is done: secrets, storage, notifications and MLflow are reachable.</summary>
public sealed record StackReady : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string StackName { get; init; }

    public required string Namespace { get; init; }

    public required string MlflowTrackingUri { get; init; }

    public required string MinioEndpoint { get; init; }

    public required string ArtifactBucket { get; init; }
}
