using MassTransit;

namespace Mlops.SagaStore.CrashHost.Orders;

/// <summary>An order: placed, accepted, then shipped (finished).</summary>
public sealed class OrderState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }
    public string? CurrentState { get; set; }
    public int Version { get; set; }
}
