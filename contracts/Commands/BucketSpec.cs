namespace Mlops.Contracts;

/// <summary>A bucket of the stack and the object events it sends to RabbitMQ.</summary>
public sealed record BucketSpec
{
    public required string Name { get; init; }

    public IReadOnlyList<string> NotificationEvents { get; init; } = [];

    public string? NotificationPrefix { get; init; }

    public string? NotificationSuffix { get; init; }
}
