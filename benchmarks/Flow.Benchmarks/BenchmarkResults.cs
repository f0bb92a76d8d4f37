namespace Mlops.Flow.Benchmarks;

/// <summary>Everything one run measured, and the figures of the issue derived from it (medians over the baseline rounds).</summary>
internal sealed record BenchmarkResults(
    DateTimeOffset At,
    string LoadBefore,
    string LoadAfter,
    int EnvelopeBytes,
    int ServicePrefetch,
    IReadOnlyList<BaselineResult> Raw,
    IReadOnlyList<BaselineResult> MassTransit,
    IReadOnlyList<FlowResult> Bursts,
    FlowResult OpenLoop,
    double OpenLoopRate,
    IReadOnlyDictionary<string, double> StoreRatio,
    IReadOnlyDictionary<string, double> RssIdle,
    IReadOnlyDictionary<string, double> RssLoad,
    IReadOnlyDictionary<string, double> ReadySeconds,
    IReadOnlyList<TimelineSegment> Timeline,
    IReadOnlyDictionary<string, double> CpuSeconds)
{
    public double BrokerPerSecond => Median(Raw.Select(r => r.PerSecond));

    public double BrokerP50 => Median(Raw.Select(r => r.Latency!.P50));

    public double BrokerP99 => Median(Raw.Select(r => r.Latency!.P99));

    public double MassTransitPerSecond => Median(MassTransit.Select(r => r.PerSecond));

    /// <summary>The largest N of the run (100, or 1,000 with --full): the figure the keys report.</summary>
    public FlowResult Headline => Bursts.MaxBy(b => b.Flows)!;

    public double MessagesPerFlow => (double)Headline.Broker!.Published / Headline.Flows;

    public double DeliveredPerFlow => (double)Headline.Broker!.Delivered / Headline.Flows;

    public double Ratio => Headline.PerSecond * MessagesPerFlow / BrokerPerSecond;

    public double RatioToMassTransit => Headline.PerSecond * MessagesPerFlow / MassTransitPerSecond;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
