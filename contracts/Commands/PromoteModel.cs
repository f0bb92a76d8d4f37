namespace Mlops.Contracts;

/// <summary>Asks the ModelPromoter to serve one registered model version and point an alias at it.</summary>
public sealed record PromoteModel : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string ModelName { get; init; }

    public required string Version { get; init; }

    public string Alias { get; init; } = "champion";

    public bool RequireApproval { get; init; }
}
