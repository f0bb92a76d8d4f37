namespace Mlops.Contracts;

/// <summary>The stack's MinIO: where pods reach it, whether the Provisioner installs it in the cluster, and its RabbitMQ target.</summary>
public sealed record MinioSpec
{
    /// <summary>The S3 API as pods reach it, e.g. <c>http://minio.minio.svc.cluster.local:9000</c>.</summary>
    public required string Endpoint { get; init; }

    /// <summary>True: the Provisioner installs MinIO in the cluster, as the Service and namespace <see cref="Endpoint"/> names.</summary>
    public bool Install { get; init; }

    /// <summary>
    /// With <see cref="Install"/>: the Secret in MinIO's namespace holding <c>MINIO_ROOT_USER</c>, <c>MINIO_ROOT_PASSWORD</c>
    /// and <c>MINIO_NOTIFY_AMQP_URL</c> (the broker URL MinIO publishes to, with its credentials).
    /// </summary>
    public string? Secret { get; init; }

    public required MinioTargetSpec Target { get; init; }
}
