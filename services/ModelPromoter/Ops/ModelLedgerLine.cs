namespace Mlops.ModelPromoter.Ops;

/// <summary>One ledger entry of a model, newest first in <see cref="ModelServingSummary.Ledger"/>.</summary>
public sealed record ModelLedgerLine
{
    public string? Version { get; init; }

    public string? Alias { get; init; }

    /// <summary>Served, Failed, Superseded or Retired.</summary>
    public required string Outcome { get; init; }

    public string? Reason { get; init; }

    public string? Trigger { get; init; }

    public bool Deliberate { get; init; }

    public Guid? PromotionId { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public required DateTimeOffset At { get; init; }
}
