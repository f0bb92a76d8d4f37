using Mlops.Contracts;

namespace Mlops.ModelPromoter.Serving;

/// <summary>
/// A promotion found a version fit to serve and hands it to the model's serving saga (<c>ServingState</c>, one per model,
/// correlated by <see cref="SagaIds"/> of the model name), which serves it when its turn comes and answers with
/// <see cref="ServingAttemptFinished"/>. Internal to the ModelPromoter.
/// </summary>
public sealed record ServeModelVersion : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The MLflow name, as the registry spells it.</summary>
    public required string ModelName { get; init; }

    public required string Version { get; init; }

    /// <summary>The <c>PromotionState</c> that asks; the answer goes back to it.</summary>
    public required Guid PromotionId { get; init; }

    /// <summary>The alias to point at the version once it serves (the policy's target alias).</summary>
    public required string Alias { get; init; }

    /// <summary>A person chose this version (promote, alias moved by hand, rollback): it may replace a newer one.</summary>
    public required bool Deliberate { get; init; }

    /// <summary>What started the promotion: <c>ModelRegistered</c>, <c>minio</c>, <c>webhook</c>, <c>reconciliation</c>, <c>PromoteModel</c>, <c>alias</c>, <c>RollbackModel</c>.</summary>
    public required string Trigger { get; init; }

    public required string RunId { get; init; }

    /// <summary>Where the model's files are (the version's source, resolved once: an <c>s3://</c> location).</summary>
    public required string ArtifactLocation { get; init; }

    /// <summary>The stack the version serves on, as the Provisioner announced it.</summary>
    public required StackReady Stack { get; init; }
}
