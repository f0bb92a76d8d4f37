using Mlops.Contracts;

namespace Mlops.Ops.Tests.Reservations;

/// <summary>Asks for GPUs of a pool for some hours; the API token is what the pool's scheduler is called with.</summary>
public sealed record ReserveGpu : IFlowMessage
{
    public required Guid FlowId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required Guid ReservationId { get; init; }
    public required string Pool { get; init; }
    public required int Hours { get; init; }
    public required string RequestedBy { get; init; }
    public string? SchedulerToken { get; init; }
    public string? Note { get; init; }
}
