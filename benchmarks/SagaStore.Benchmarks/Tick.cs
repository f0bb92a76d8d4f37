namespace Mlops.SagaStore.Benchmarks;

/// <summary>One transition of a benchmark saga; the first one creates it.</summary>
public sealed record Tick
{
    public Guid CorrelationId { get; init; }
    public Guid FlowId { get; init; }
}
