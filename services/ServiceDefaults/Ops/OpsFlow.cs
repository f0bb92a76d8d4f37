namespace Mlops.ServiceDefaults.Ops;

/// <summary>Answer of <c>GET /ops/flows/{flowId}</c>: this service's sagas of one flow and their history, time-ordered.</summary>
public sealed record OpsFlow
{
    public required string Service { get; init; }
    public required Guid FlowId { get; init; }
    public required IReadOnlyList<OpsSagaSummary> Sagas { get; init; }
    public required IReadOnlyList<OpsHistoryLine> Timeline { get; init; }
}
