namespace Mlops.Ops.Tests.Reservations;

/// <summary>The body of <c>POST /ops/pools/{pool}/reservations</c>.</summary>
public sealed record ReservationBody
{
    public required Guid ReservationId { get; init; }
    public required int Hours { get; init; }
    public string? SchedulerToken { get; init; }
    public string? Note { get; init; }
}
