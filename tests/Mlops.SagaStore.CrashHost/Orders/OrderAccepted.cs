namespace Mlops.SagaStore.CrashHost.Orders;

/// <summary>First event of the order's first transition.</summary>
public sealed record OrderAccepted
{
    public required Guid OrderId { get; init; }
}
