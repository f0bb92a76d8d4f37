namespace Mlops.ModelPromoter.Triggers.Minio;

/// <summary>
/// The <c>ModelPromoter:Minio</c> section: the RabbitMQ exchange MinIO publishes bucket events to, declared exactly as MinIO
/// declares it (or RabbitMQ refuses the second declaration with 406). The defaults are the product's (docs/topology.md), the
/// stack file's and the Provisioner's.
/// </summary>
public sealed class BucketNotificationSettings
{
    public const string Section = "ModelPromoter:Minio";

    /// <summary>Whether the promoter listens to MinIO at all.</summary>
    public bool Enabled { get; set; } = true;

    public string Exchange { get; set; } = "mlops-minio-events";

    /// <summary><c>fanout</c>, <c>direct</c>, <c>topic</c> or <c>headers</c>, as <c>MINIO_NOTIFY_AMQP_EXCHANGE_TYPE_&lt;ID&gt;</c>.</summary>
    public string ExchangeType { get; set; } = "fanout";

    /// <summary>As <c>MINIO_NOTIFY_AMQP_DURABLE_&lt;ID&gt;</c>.</summary>
    public bool Durable { get; set; } = true;

    /// <summary>As <c>MINIO_NOTIFY_AMQP_AUTO_DELETED_&lt;ID&gt;</c>.</summary>
    public bool AutoDelete { get; set; }

    /// <summary>The binding key for a direct or topic exchange (MinIO's routing key); ignored by fanout.</summary>
    public string RoutingKey { get; set; } = "";

    /// <summary>The promoter's queue bound to the exchange.</summary>
    public string Queue { get; set; } = "model-promoter-bucket-notifications";
}
