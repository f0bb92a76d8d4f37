namespace Mlops.Flow.Benchmarks;

/// <summary>The mean time before one kind of transition of a flow (since the flow's previous one), over the times it happened.</summary>
internal sealed record TimelineSegment(string Transition, double MeanMs, int Times, int Order);
