namespace Mlops.Contracts;

/// <summary>Asks the ModelPromoter to serve the previous version of a model again.</summary>
public sealed record RollbackModel : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string ModelName { get; init; }

    public required string Reason { get; init; }

    /// <summary>The version to serve again; null: the last one that served successfully before the current one, from the ledger.</summary>
    public string? ToVersion { get; init; }

    /// <summary>Who asked, for the ledger and the logs.</summary>
    public string? RequestedBy { get; init; }
}
