namespace Mlops.Contracts;

/// <summary>Asks the service that owns a saga to stop it; what stopping means is each saga's own (documented with it).</summary>
public sealed record CancelSaga : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string SagaType { get; init; }

    public required Guid CorrelationId { get; init; }

    public required string RequestedBy { get; init; }

    public string? Reason { get; init; }
}
