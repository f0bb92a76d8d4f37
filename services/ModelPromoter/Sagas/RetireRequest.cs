namespace Mlops.ModelPromoter.Sagas;

/// <summary>A <c>RetireModel</c> waiting for its turn or being carried out.</summary>
public sealed record RetireRequest
{
    public required Guid FlowId { get; init; }

    public required string RequestedBy { get; init; }

    public string? Reason { get; init; }

    public required DateTimeOffset RequestedAt { get; init; }
}
