namespace Mlops.Contracts;

/// <summary>
/// Asks the Provisioner to set a stack up in order (namespaces, secrets, optional MinIO and MLflow, buckets, their
/// notifications, MLflow's webhook) and keep it so. Usually read from a stack file; see docs/stack-file.md.
/// </summary>
public sealed record ProvisionStack : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string StackName { get; init; }

    /// <summary>The stack's own namespace, where its Secret, buckets' consumers, training and serving live by default.</summary>
    public required string Namespace { get; init; }

    /// <summary>Further namespaces the stack may train or serve in, each with its own credentials Secret.</summary>
    public IReadOnlyList<NamespaceSpec> ExtraNamespaces { get; init; } = [];

    public IReadOnlyList<SecretSpec> Secrets { get; init; } = [];

    /// <summary>The Secret (in <see cref="Namespace"/>) whose keys pods get as S3 credentials.</summary>
    public required StackCredentials Credentials { get; init; }

    public required MinioSpec Minio { get; init; }

    public IReadOnlyList<BucketSpec> Buckets { get; init; } = [];

    /// <summary>The bucket MLflow keeps its artifacts in; one of <see cref="Buckets"/>.</summary>
    public required string ArtifactBucket { get; init; }

    public required MlflowSpec Mlflow { get; init; }

    /// <summary>Steps to run (e.g. <c>buckets</c>, <c>notifications</c>); the others are only verified. Empty: all.</summary>
    public IReadOnlyList<string> Only { get; init; } = [];

    /// <summary>Who asked (the ops token's name, or the stack file loaded at start-up).</summary>
    public string? RequestedBy { get; init; }
}
