namespace Mlops.Contracts;

/// <summary>Asks the Provisioner to set a stack up in order: namespace, secrets, optional MinIO and MLflow, buckets and their notifications.</summary>
public sealed record ProvisionStack : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string StackName { get; init; }

    public required string Namespace { get; init; }

    public IReadOnlyList<SecretSpec> Secrets { get; init; } = [];

    public IReadOnlyList<BucketSpec> Buckets { get; init; } = [];

    public bool InstallMinio { get; init; }

    public bool InstallMlflow { get; init; }

    public string? MlflowTrackingUri { get; init; }

    public string? MinioEndpoint { get; init; }
}
