namespace Mlops.Contracts;

/// <summary>A bucket of the stack and the object events it sends to RabbitMQ.</summary>
public sealed record BucketSpec
{
    public required string Name { get; init; }

    public IReadOnlyList<BucketNotificationSpec> Notifications { get; init; } = [];
}
