using MassTransit;

namespace Mlops.ModelPromoter.Watchers;

/// <summary>
/// The rollout watcher's report on one model-server Deployment, correlated to its serving saga by the Deployment's
/// <c>mlops.dev/serving-saga</c> annotation. Level-triggered: it says how things stand, and comes again after a relist or
/// a resync; the saga acts only on a report about the generation it wrote. Internal to the ModelPromoter.
/// </summary>
public sealed record DeploymentRolloutObserved : CorrelatedBy<Guid>
{
    public required Guid CorrelationId { get; init; }

    public required string Namespace { get; init; }

    public required string DeploymentName { get; init; }

    public required string Uid { get; init; }

    public required long Generation { get; init; }

    public required long ObservedGeneration { get; init; }

    public required RolloutStatus Status { get; init; }

    /// <summary>kubectl's line for it, e.g. <c>Waiting for deployment "x" rollout to finish: 0 of 1 updated replicas are available...</c>.</summary>
    public required string Message { get; init; }

    /// <summary>The version in the Deployment's annotation.</summary>
    public string? ModelVersion { get; init; }

    public required DateTimeOffset ObservedAt { get; init; }
}
