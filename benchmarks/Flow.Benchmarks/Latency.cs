namespace Mlops.Flow.Benchmarks;

/// <summary>Percentiles of a set of latencies, in milliseconds (nearest rank).</summary>
internal sealed record Latency(double P50, double P95, double P99, double Max, int Count)
{
    public static Latency Of(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.OrderBy(x => x).ToArray();
        if (sorted.Length == 0)
            throw new InvalidOperationException("No latency was measured.");
        return new Latency(Rank(sorted, 0.50), Rank(sorted, 0.95), Rank(sorted, 0.99), sorted[^1], sorted.Length);
    }

    private static double Rank(double[] sorted, double quantile) =>
        sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
}
