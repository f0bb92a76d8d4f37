namespace Mlops.Contracts;

/// <summary>
/// MinIO's AMQP notification target (its <c>MINIO_NOTIFY_AMQP_*_&lt;Id&gt;</c> server settings) that the buckets are
/// subscribed to and the ModelPromoter binds to. The defaults are the product's (docs/topology.md).
/// </summary>
public sealed record MinioTargetSpec
{
    public string Id { get; init; } = "MLOPS";

    public string Exchange { get; init; } = "mlops-minio-events";

    public string ExchangeType { get; init; } = "fanout";

    public bool Durable { get; init; } = true;

    public int DeliveryMode { get; init; } = 2;

    public string? RoutingKey { get; init; }

    /// <summary>Where MinIO keeps events while the broker is away; without it they are lost.</summary>
    public string QueueDir { get; init; } = "/data/.minio-events";
}
