namespace Mlops.ModelPromoter.Sagas;

/// <summary>
/// A trigger inside the promoter (a MinIO event's run, a webhook delivery, the reconciliation, the alias moved by hand)
/// asks for a promotion of one version. Automatic ones (<see cref="Attempt"/> null) land on the version's attempt 0.
/// </summary>
public sealed record PromotionTriggered
{
    /// <summary>The flow, when the trigger knows it; <see cref="Guid.Empty"/>: read from the run's <c>mlops.flow_id</c> tag.</summary>
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string ModelName { get; init; }

    public required string Version { get; init; }

    /// <summary>One of <see cref="PromotionTriggers"/>.</summary>
    public required string Trigger { get; init; }

    /// <summary>Null: automatic (attempt 0); else the deliberate choice's own id.</summary>
    public Guid? Attempt { get; init; }

    /// <summary>Who chose the version, for a deliberate attempt; it counts as their approval.</summary>
    public string? ChosenBy { get; init; }

    /// <summary>The alias to point at it; null: the policy's target alias.</summary>
    public string? Alias { get; init; }

    public string? RunId { get; init; }

    public string? Source { get; init; }

    public string? StackName { get; init; }

    /// <summary>The reconciliation's first pass: record the version as known at install time and serve nothing.</summary>
    public bool Baseline { get; init; }
}
