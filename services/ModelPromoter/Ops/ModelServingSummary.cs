namespace Mlops.ModelPromoter.Ops;

/// <summary>One model in <c>GET /ops/models</c>: what serves now, how ready it is, and the ledger of what served before.</summary>
public sealed record ModelServingSummary
{
    public required string Model { get; init; }

    public required Guid SagaId { get; init; }

    /// <summary>The serving saga's state, e.g. <c>Serving</c>, <c>RollingOut</c>, <c>Failed</c>.</summary>
    public required string State { get; init; }

    public string? ServingVersion { get; init; }

    public string? Alias { get; init; }

    public string? Deployment { get; init; }

    public string? Namespace { get; init; }

    public DateTimeOffset? ServingSince { get; init; }

    /// <summary>The Deployment's ready replicas as the Kubernetes API reports them now; null when not served or not readable.</summary>
    public int? ReadyReplicas { get; init; }

    public int? Replicas { get; init; }

    /// <summary>The version an attempt is rolling out now, if any.</summary>
    public string? RollingOutVersion { get; init; }

    public required IReadOnlyList<ModelLedgerLine> Ledger { get; init; }
}
