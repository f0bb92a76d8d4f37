namespace Mlops.SagaStore.CrashHost.Orders;

/// <summary>Starts an order; its transition publishes two events.</summary>
public sealed record OrderPlaced
{
    public required Guid OrderId { get; init; }
}
