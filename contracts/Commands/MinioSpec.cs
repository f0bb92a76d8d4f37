namespace Mlops.Contracts;

/// <summary>The stack's MinIO: where pods reach it, whether the Provisioner installs it in the cluster, and its RabbitMQ target.</summary>
public sealed record MinioSpec
{
    /// <summary>The S3 API as pods reach it, e.g. <c>http://minio.minio.svc.cluster.local:9000</c>.</summary>
    public required string Endpoint { get; init; }

    public bool Install { get; init; }

    public required MinioTargetSpec Target { get; init; }
}
