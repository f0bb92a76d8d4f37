namespace Mlops.Contracts;

/// <summary>A MinIO bucket of the stack exists and can be written to.</summary>
public sealed record MinioBucketReady : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string StackName { get; init; }

    public required string BucketName { get; init; }
}
