namespace Mlops.Flow.Benchmarks;

/// <summary>One baseline round: messages that went through one queue in a measured time, with their latencies when known.</summary>
internal sealed record BaselineResult(string Name, int Messages, TimeSpan Elapsed, Latency? Latency, int Prefetch)
{
    public double PerSecond => Messages / Elapsed.TotalSeconds;
}
