namespace Mlops.SagaStore.CrashHost.Orders;

/// <summary>Second event of the order's first transition, published after <see cref="OrderAccepted"/>.</summary>
public sealed record OrderPacked
{
    public required Guid OrderId { get; init; }
}
