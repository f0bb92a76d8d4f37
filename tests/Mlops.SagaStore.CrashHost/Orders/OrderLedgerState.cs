using MassTransit;

namespace Mlops.SagaStore.CrashHost.Orders;

/// <summary>Counts the events an order's transitions published, as a downstream consumer sees them.</summary>
public sealed class OrderLedgerState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }
    public string? CurrentState { get; set; }
    public int Version { get; set; }
    public int Accepted { get; set; }
    public int Packed { get; set; }
}
