namespace Mlops.ModelPromoter.Sagas;

/// <summary>What serves now: the version, where, with which image, and the pod template a failed rollout goes back to.</summary>
public sealed record ServedVersion
{
    public required string Version { get; init; }

    public required string Alias { get; init; }

    public required Guid PromotionId { get; init; }

    public required Guid FlowId { get; init; }

    public required string Namespace { get; init; }

    public required string DeploymentName { get; init; }

    public required string Image { get; init; }

    /// <summary>The pod template as the promoter wrote it (JSON), restored exactly on a rollback.</summary>
    public required string TemplateJson { get; init; }

    public required string TemplateHash { get; init; }

    public required int Replicas { get; init; }

    public required DateTimeOffset Since { get; init; }
}
