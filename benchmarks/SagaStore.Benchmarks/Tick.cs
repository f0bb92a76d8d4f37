namespace Mlops.SagaStore.Benchmarks;

/// <summary>One transition of a benchmark saga; the first one creates it.</summary>
public sealed record Tick
{
    public Guid CorrelationId { get; init; }
    public Guid FlowId { get; init; }

    /// <summary>The transition publishes <see cref="Counted"/>: the outbox then writes, delivers and marks a row per tick.</summary>
    public bool Publish { get; init; }
}
