namespace Mlops.ContainerTests;

/// <summary>The public images this tier pulls, pinned: none of them is one of the product's own.</summary>
public static class ContainerImages
{
    public const string RabbitMq = "rabbitmq:4.1.4-management";

    /// <summary>The MinIO release the Provisioner's in-cluster manifest runs (services/Provisioner/Manifests/minio.yaml).</summary>
    public const string Minio = "minio/minio:RELEASE.2025-09-07T16-13-09Z";

    public const string K3s = "rancher/k3s:v1.31.5-k3s1";

    /// <summary>Stands in for the model server: it starts at once and does nothing, so a rollout completes on its own.</summary>
    public const string ModelServerStandIn = "registry.k8s.io/pause:3.10";
}
