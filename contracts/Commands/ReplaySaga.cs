namespace Mlops.Contracts;

/// <summary>Asks the service that owns a saga to run its last failed step again.</summary>
public sealed record ReplaySaga : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string SagaType { get; init; }

    public required Guid CorrelationId { get; init; }

    public required string RequestedBy { get; init; }
}
