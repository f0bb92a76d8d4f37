namespace Mlops.Ops.Tests.Reservations;

/// <summary>Gives a reservation's GPUs back: the reservation saga finishes.</summary>
public sealed record ReleaseGpu
{
    public required Guid ReservationId { get; init; }
}
