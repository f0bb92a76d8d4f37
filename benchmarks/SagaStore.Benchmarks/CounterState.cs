using MassTransit;

namespace Mlops.SagaStore.Benchmarks;

/// <summary>Benchmark saga state: counts the ticks it has seen.</summary>
public sealed class CounterState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }
    public string? CurrentState { get; set; }
    public int Version { get; set; }
    public Guid FlowId { get; set; }

    [SagaIndex]
    public string? Name { get; set; }

    public int Ticks { get; set; }
}
