namespace Mlops.SagaStore.Benchmarks;

/// <summary>What a counting transition publishes when the tick asks for it; nothing consumes it.</summary>
public sealed record Counted
{
    public Guid CorrelationId { get; init; }
    public int Ticks { get; init; }
}
