namespace Mlops.Contracts;

/// <summary>A bucket sends its object events to RabbitMQ through the given MinIO target.</summary>
public sealed record BucketNotificationsConfigured : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string StackName { get; init; }

    public required string BucketName { get; init; }

    public required string QueueArn { get; init; }

    public IReadOnlyList<string> Events { get; init; } = [];
}
