using Mlops.Contracts;

namespace Mlops.ModelPromoter.Tests.Promotion;

/// <summary>The <see cref="StackReady"/> the homelab announces, with the sandbox's bucket and exchange.</summary>
public static class HomelabStack
{
    /// <summary>The stack the homelab runs: namespace <c>mlflow</c>, Secret <c>minio-credentials</c>, bucket <c>mlflow</c>.</summary>
    public static StackReady Create(string? name = null) => new()
    {
        FlowId = Guid.NewGuid(),
        OccurredAt = DateTimeOffset.UtcNow,
        StackName = name ?? "stack-" + Guid.NewGuid().ToString("N")[..8],
        Namespace = "mlflow",
        MlflowTrackingUri = "http://mlflow.mlflow.svc.cluster.local:5000",
        MinioEndpoint = "http://minio.minio.svc.cluster.local:9000",
        ArtifactBucket = PromoterSandbox.ArtifactBucket,
        Buckets = [PromoterSandbox.ArtifactBucket],
        Credentials = new StackCredentials { SecretName = "minio-credentials" },
        Namespaces = [new StackNamespace { Name = "mlflow", Credentials = new StackCredentials { SecretName = "minio-credentials" } }],
        MinioExchange = PromoterSandbox.Exchange,
    };
}
