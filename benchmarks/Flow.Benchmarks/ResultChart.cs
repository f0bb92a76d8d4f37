using ScottPlot;

namespace Mlops.Flow.Benchmarks;

/// <summary>
/// benchmarks/results/latest.png: the flows' latency distribution (each batch's share of flows served by a given latency)
/// beside flows per second against N.
/// </summary>
internal static class ResultChart
{
    public static void Write(BenchmarkResults results, string path)
    {
        var chart = new Multiplot();
        chart.AddPlots(2);

        var latency = chart.GetPlot(0);
        foreach (var burst in results.Bursts)
            Distribution(latency, burst.LatenciesMs, $"N = {burst.Flows} at once");
        Distribution(latency, results.OpenLoop.LatenciesMs, $"{results.OpenLoop.Flows} at {results.OpenLoopRate:0.#} flows/s offered");
        latency.Title("Latency, ModelRegistered to ServingRolloutComplete");
        latency.XLabel("latency (ms)");
        latency.YLabel("flows served (%)");
        latency.ShowLegend(Alignment.LowerRight);

        var throughput = chart.GetPlot(1);
        var sizes = results.Bursts.Select(b => (double)b.Flows).ToArray();
        var rates = results.Bursts.Select(b => b.PerSecond).ToArray();
        var points = throughput.Add.Scatter(sizes, rates);
        points.MarkerSize = 10;
        points.LegendText = "flows/s";
        throughput.Title(results.Bursts.Count > 1
            ? "Throughput against N"
            : $"Throughput against N (this run: only N = {results.Bursts[0].Flows}; bench.sh --full adds N = 1,000)");
        throughput.XLabel("N, models registered at once");
        throughput.YLabel("flows/s");
        throughput.Axes.SetLimitsY(0, Math.Max(1, rates.Max() * 1.25));
        throughput.Axes.SetLimitsX(0, sizes.Max() * 1.1);

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        chart.SavePng(path, 1000, 900);
    }

    private static void Distribution(Plot plot, IReadOnlyList<double> latenciesMs, string label)
    {
        var sorted = latenciesMs.OrderBy(x => x).ToArray();
        var share = sorted.Select((_, i) => 100.0 * (i + 1) / sorted.Length).ToArray();
        var line = plot.Add.Scatter(sorted, share);
        line.MarkerSize = 0;
        line.LineWidth = 2;
        line.LegendText = label;
    }
}
