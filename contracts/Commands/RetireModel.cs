namespace Mlops.Contracts;

/// <summary>Asks the ModelPromoter to stop serving a model: its Deployment, Service and alias are removed; the ledger keeps the record.</summary>
public sealed record RetireModel : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string ModelName { get; init; }

    public required string RequestedBy { get; init; }

    public string? Reason { get; init; }
}
