namespace Mlops.ModelPromoter.Sagas;

/// <summary>
/// The registry showed where a model's target alias points (a webhook's <c>model_version_alias.created</c> or
/// <c>.deleted</c>, or the reconciliation's read); <see cref="Version"/> null: the alias is gone.
/// </summary>
public sealed record RegistryAliasObserved
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string ModelName { get; init; }

    public required string Alias { get; init; }

    public string? Version { get; init; }

    /// <summary>
    /// When the registry showed this: the webhook event's own time (MLflow's clock), or when the reconciliation began
    /// reading (the promoter's). Null in messages from before it existed: <see cref="OccurredAt"/> stands in.
    /// </summary>
    public DateTimeOffset? SeenAt { get; init; }

    /// <summary><c>webhook</c> or <c>reconciliation</c>.</summary>
    public required string Source { get; init; }

    /// <summary>This observation's own id (the webhook's delivery id): the attempt a person's choice becomes.</summary>
    public required Guid ObservationId { get; init; }

    /// <summary>The reconciliation's first pass: record where the alias points at install time and serve nothing.</summary>
    public bool Baseline { get; init; }
}
