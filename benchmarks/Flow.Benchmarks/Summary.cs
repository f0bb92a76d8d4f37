using System.Globalization;
using System.Text;

namespace Mlops.Flow.Benchmarks;

/// <summary>One line per figure for bench.sh's output, and the table docs/benchmarks.md shows, with each goal met or missed.</summary>
internal static class Summary
{
    public static IEnumerable<string> Lines(BenchmarkResults r)
    {
        var h = r.Headline;
        yield return F($"broker: {r.BrokerPerSecond:N0} msg/s RabbitMQ.Client, latency p50 {r.BrokerP50:F1} ms p99 {r.BrokerP99:F1} ms ") +
            F($"({r.EnvelopeBytes}-byte persistent messages, confirms window {RawBrokerRun.ConfirmWindow}, prefetch {RawBrokerRun.Prefetch}, median of {r.Raw.Count} rounds)");
        yield return F($"masstransit: {r.MassTransitPerSecond:N0} msg/s plain consumer ({r.MassTransitPerSecond / r.BrokerPerSecond:F2} of raw; prefetch {r.MassTransit[0].Prefetch}, no outbox)");
        yield return F($"flows: {h.PerSecond:F2} flows/s at N = {h.Flows}, {r.MessagesPerFlow:F1} messages per flow (published, counted on the broker), ") +
            F($"latency p50 {h.Latency.P50:F0} ms p95 {h.Latency.P95:F0} ms p99 {h.Latency.P99:F0} ms");
        yield return F($"ratio: {r.Ratio:F3} of raw msg/s (goal 0.3: {Met(r.Ratio >= 0.3)}), {r.RatioToMassTransit:F3} of MassTransit msg/s (goal 0.5: {Met(r.RatioToMassTransit >= 0.5)})");
        var o = r.OpenLoop.Latency;
        yield return F($"at {r.OpenLoopRate:0.#} flows/s offered ({r.OpenLoop.Flows} flows): latency p50 {o.P50:F0} ms p95 {o.P95:F0} ms p99 {o.P99:F0} ms (goal p99 <= 100 ms: {Met(o.P99 <= 100)})");
        yield return F($"saga store: sqlite {r.StoreRatio["sqlite"]:F2}, postgres {r.StoreRatio["postgres"]:F2} of MassTransit's in-memory repository (transitions/s on RabbitMQ)");
        yield return "memory: " + string.Join(", ", r.RssIdle.Keys.Select(s => F($"{s} idle {r.RssIdle[s]:F0} MB load {r.RssLoad[s]:F0} MB"))) +
            F($" (goal idle <= 120 MB: {Met(r.RssIdle.Values.All(v => v <= 120))})");
        yield return "ready: " + string.Join(", ", r.ReadySeconds.Select(p => F($"{p.Key} {p.Value:F2} s"))) +
            F($" (goal <= 3 s: {Met(r.ReadySeconds.Values.All(v => v <= 3))})");
    }

    /// <summary>The results table of docs/benchmarks.md.</summary>
    public static string Table(BenchmarkResults r)
    {
        var h = r.Headline;
        var o = r.OpenLoop.Latency;
        var text = new StringBuilder();
        text.AppendLine(F($"Measured {r.At:yyyy-MM-dd HH:mm} UTC on this machine: {Environment.ProcessorCount} cores, load average {r.LoadBefore} before and {r.LoadAfter} after "))
            .AppendLine(F($"(shared with other builds). N = {string.Join(" and ", r.Bursts.Select(b => b.Flows.ToString("N0", CultureInfo.InvariantCulture)))}; baselines: {r.Raw.Count} rounds each, interleaved with the flows."))
            .AppendLine()
            .AppendLine("| figure | measured | goal | |")
            .AppendLine("|---|---:|---|---|")
            .AppendLine(F($"| RabbitMQ.Client, {r.EnvelopeBytes}-byte persistent confirmed acked messages | {r.BrokerPerSecond:N0} msg/s, p50 {r.BrokerP50:F1} ms, p99 {r.BrokerP99:F1} ms | (baseline) | |"))
            .AppendLine(F($"| plain MassTransit consumer, the services' bus settings | {r.MassTransitPerSecond:N0} msg/s ({r.MassTransitPerSecond / r.BrokerPerSecond:F2} of raw) | (baseline) | |"));
        foreach (var b in r.Bursts)
            text.AppendLine(F($"| flows, N = {b.Flows:N0} registered at once | {b.PerSecond:F2} flows/s; latency p50 {b.Latency.P50:N0} ms, p95 {b.Latency.P95:N0} ms, p99 {b.Latency.P99:N0} ms | | |"));
        text.AppendLine(F($"| messages per flow (published, counted on the broker) | {r.MessagesPerFlow:F1} ({r.DeliveredPerFlow:F1} delivered) | | |"))
            .AppendLine(F($"| flows/s × messages per flow ÷ raw msg/s | {r.Ratio:F3} | ≥ 0.3 | {Met(r.Ratio >= 0.3)} |"))
            .AppendLine(F($"| flows/s × messages per flow ÷ MassTransit msg/s | {r.RatioToMassTransit:F3} | ≥ 0.5 | {Met(r.RatioToMassTransit >= 0.5)} |"))
            .AppendLine(F($"| latency at {r.OpenLoopRate:0.#} flows/s offered ({r.OpenLoop.Flows} flows) | p50 {o.P50:N0} ms, p95 {o.P95:N0} ms, p99 {o.P99:N0} ms | p99 ≤ 100 ms | {Met(o.P99 <= 100)} |"))
            .AppendLine(F($"| saga store transitions/s ÷ MassTransit in-memory (RabbitMQ) | SQLite {r.StoreRatio["sqlite"]:F2}, PostgreSQL {r.StoreRatio["postgres"]:F2} | (docs/saga-store.md: 0.8, 0.5) | {Met(r.StoreRatio["sqlite"] >= 0.8)}, {Met(r.StoreRatio["postgres"] >= 0.5)} |"));
        foreach (var s in r.RssIdle.Keys)
            text.AppendLine(F($"| {s}: resident memory idle / under load | {r.RssIdle[s]:F0} MB / {r.RssLoad[s]:F0} MB | idle ≤ 120 MB | {Met(r.RssIdle[s] <= 120)} |"));
        foreach (var (s, seconds) in r.ReadySeconds)
            text.AppendLine(F($"| {s}: process start to /health/ready 200 | {seconds:F2} s | ≤ 3 s | {Met(seconds <= 3)} |"));
        text.AppendLine()
            .AppendLine(F($"CPU seconds used during the last batch ({r.Bursts[^1].Elapsed.TotalSeconds:F0} s on {Environment.ProcessorCount} cores): ")
                + string.Join(", ", r.CpuSeconds.Select(p => F($"{p.Key} {p.Value:F1}"))) + " (the sandbox with s3rver under it).")
            .AppendLine()
            .AppendLine(F($"Where a flow's time went (N = {h.Flows:N0}), from the services' `GET /ops/flows/{{flowId}}`: the mean time before each transition since the flow's previous one."))
            .AppendLine()
            .AppendLine("| before | mean ms | times |")
            .AppendLine("|---|---:|---:|");
        foreach (var t in r.Timeline)
            text.AppendLine(F($"| {t.Transition} | {t.MeanMs:N0} | {t.Times} |"));
        return text.ToString();
    }

    /// <summary>Replaces the block between the results markers of <paramref name="docs"/> with <see cref="Table"/>.</summary>
    public static void FillDocs(BenchmarkResults r, string docs)
    {
        const string Start = "<!-- results:start -->";
        const string End = "<!-- results:end -->";
        var text = File.ReadAllText(docs);
        var from = text.IndexOf(Start, StringComparison.Ordinal);
        var to = text.IndexOf(End, StringComparison.Ordinal);
        if (from < 0 || to < from)
            throw new InvalidOperationException($"{docs} has no {Start} ... {End} block to fill.");
        File.WriteAllText(docs, text[..(from + Start.Length)] + "\n" + Table(r) + text[to..]);
    }

    private static string Met(bool met) => met ? "met" : "missed";

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
