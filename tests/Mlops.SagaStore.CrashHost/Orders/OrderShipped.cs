namespace Mlops.SagaStore.CrashHost.Orders;

/// <summary>Finishes the order.</summary>
public sealed record OrderShipped
{
    public required Guid OrderId { get; init; }
}
