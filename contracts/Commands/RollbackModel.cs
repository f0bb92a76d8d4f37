namespace Mlops.Contracts;

/// <summary>Asks the ModelPromoter to serve the previous version of a model again.</summary>
public sealed record RollbackModel : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string ModelName { get; init; }

    public required string Reason { get; init; }

    public string? ToVersion { get; init; }
}
