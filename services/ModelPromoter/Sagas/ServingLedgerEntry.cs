namespace Mlops.ModelPromoter.Sagas;

/// <summary>One line of a model's ledger: what was asked to serve, by which promotion, when, and how it ended.</summary>
public sealed record ServingLedgerEntry
{
    /// <summary>Rolled out, smoke-checked and aliased.</summary>
    public const string Served = "Served";

    /// <summary>Failed and rolled back; what served before serves again.</summary>
    public const string Failed = "Failed";

    /// <summary>A newer request came first; never rolled out.</summary>
    public const string Superseded = "Superseded";

    /// <summary>The model's Deployment, Service and alias were removed.</summary>
    public const string Retired = "Retired";

    public string? Version { get; init; }

    public string? Alias { get; init; }

    /// <summary>The promotion (PromotionState) that asked; null for a retirement.</summary>
    public Guid? PromotionId { get; init; }

    public string? Trigger { get; init; }

    public bool Deliberate { get; init; }

    public required string Outcome { get; init; }

    public string? Reason { get; init; }

    public string? Image { get; init; }

    /// <summary>For a served version: what the smoke check did (passed, or skipped and why).</summary>
    public string? SmokeCheck { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public required DateTimeOffset At { get; init; }
}
