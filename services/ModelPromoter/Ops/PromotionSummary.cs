namespace Mlops.ModelPromoter.Ops;

/// <summary>One promotion in <c>GET /ops/promotions</c>: where it is, its gates' figures, and whether it waits for a person.</summary>
public sealed record PromotionSummary
{
    public required Guid SagaId { get; init; }

    public required Guid FlowId { get; init; }

    public string? Model { get; init; }

    public string? Version { get; init; }

    public required string State { get; init; }

    public string? Trigger { get; init; }

    public bool Deliberate { get; init; }

    public string? Alias { get; init; }

    /// <summary>Each gate's figure and rule as checked, e.g. <c>accuracy 0.91: accuracy &gt;= 0.8 met</c>.</summary>
    public required IReadOnlyList<string> Gates { get; init; }

    /// <summary>The metrics the gates were checked against.</summary>
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }

    public required bool AwaitingApproval { get; init; }

    /// <summary>When an approval stops being accepted, while one is awaited.</summary>
    public DateTimeOffset? ApproveBy { get; init; }

    public string? ApprovedBy { get; init; }

    public string? Outcome { get; init; }

    public string? Reason { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}
