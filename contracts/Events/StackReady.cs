namespace Mlops.Contracts;

/// <summary>
/// Every step of the stack is done: secrets, storage, notifications and MLflow are reachable. It names everything
/// another service needs to use the stack; the addresses are those the pods the product creates use (in-cluster).
/// </summary>
public sealed record StackReady : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string StackName { get; init; }

    /// <summary>The stack's own namespace: training and serving go here unless told otherwise.</summary>
    public required string Namespace { get; init; }

    /// <summary>MLflow as pods reach it, e.g. <c>http://mlflow.mlflow.svc.cluster.local:5000</c>.</summary>
    public required string MlflowTrackingUri { get; init; }

    /// <summary>MinIO's S3 API as pods reach it, e.g. <c>http://minio.minio.svc.cluster.local:9000</c>.</summary>
    public required string MinioEndpoint { get; init; }

    /// <summary>The bucket MLflow keeps its artifacts in (<c>s3://&lt;bucket&gt;/</c>).</summary>
    public required string ArtifactBucket { get; init; }

    /// <summary>Every bucket of the stack, the artifact bucket among them.</summary>
    public IReadOnlyList<string> Buckets { get; init; } = [];

    /// <summary>The Secret in <see cref="Namespace"/> that holds the S3 credentials pods get by secretKeyRef.</summary>
    public required StackCredentials Credentials { get; init; }

    /// <summary>Every namespace the stack may train or serve in, with the credentials Secret of each (a secretKeyRef reaches only its own namespace).</summary>
    public IReadOnlyList<StackNamespace> Namespaces { get; init; } = [];

    /// <summary>The RabbitMQ exchange MinIO publishes the buckets' events to.</summary>
    public required string MinioExchange { get; init; }
}
