using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Flow.Benchmarks;

/// <summary>
/// latest.json with exactly the keys, and latest-details.json with what they were derived from (every round, the
/// message size, the prefetch, each N, the load average).
/// </summary>
internal static class ResultsFile
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Write(BenchmarkResults results, string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "latest.json"), Figures(results).ToJsonString(Indented) + "\n");
        File.WriteAllText(Path.Combine(directory, "latest-details.json"), Details(results).ToJsonString(Indented) + "\n");
    }

    public static JsonObject Figures(BenchmarkResults r) => new()
    {
        ["broker_msgs_per_s"] = Round(r.BrokerPerSecond),
        ["broker_latency_ms"] = new JsonObject { ["p50"] = Round(r.BrokerP50), ["p99"] = Round(r.BrokerP99) },
        ["masstransit_msgs_per_s"] = Round(r.MassTransitPerSecond),
        ["flows_per_s"] = Round(r.Headline.PerSecond),
        ["messages_per_flow"] = Round(r.MessagesPerFlow),
        ["ratio"] = Round(r.Ratio, 4),
        ["ratio_to_masstransit"] = Round(r.RatioToMassTransit, 4),
        ["latency_ms"] = Percentiles(r.Headline.Latency),
        ["latency_at_50_per_s_ms"] = Percentiles(r.OpenLoop.Latency),
        ["store_ratio"] = new JsonObject { ["sqlite"] = Round(r.StoreRatio["sqlite"], 4), ["postgres"] = Round(r.StoreRatio["postgres"], 4) },
        ["rss_mb"] = new JsonObject(r.RssIdle.Keys.Select(s => new KeyValuePair<string, JsonNode?>(s,
            new JsonObject { ["idle"] = Round(r.RssIdle[s]), ["load"] = Round(r.RssLoad[s]) }))),
        ["ready_s"] = new JsonObject(r.ReadySeconds.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, Round(p.Value, 3)))),
    };

    private static JsonObject Details(BenchmarkResults r) => new()
    {
        ["measured_at"] = r.At.ToString("O"),
        ["cores"] = Environment.ProcessorCount,
        ["load_average_before"] = r.LoadBefore,
        ["load_average_after"] = r.LoadAfter,
        ["envelope_bytes"] = r.EnvelopeBytes,
        ["service_prefetch"] = r.ServicePrefetch,
        ["raw_rounds"] = new JsonArray(r.Raw.Select(Round).ToArray<JsonNode?>()),
        ["masstransit_rounds"] = new JsonArray(r.MassTransit.Select(Round).ToArray<JsonNode?>()),
        ["bursts"] = new JsonArray(r.Bursts.Select(b => (JsonNode?)new JsonObject
        {
            ["n"] = b.Flows,
            ["seconds"] = Round(b.Elapsed.TotalSeconds, 3),
            ["flows_per_s"] = Round(b.PerSecond),
            ["published"] = b.Broker?.Published,
            ["delivered"] = b.Broker?.Delivered,
            ["latency_ms"] = Percentiles(b.Latency),
        }).ToArray()),
        ["open_loop"] = new JsonObject
        {
            ["n"] = r.OpenLoop.Flows,
            ["offered_per_s"] = r.OpenLoopRate,
            ["seconds"] = Round(r.OpenLoop.Elapsed.TotalSeconds, 3),
            ["latency_ms"] = Percentiles(r.OpenLoop.Latency),
        },
        ["delivered_per_flow"] = Round(r.DeliveredPerFlow),
        ["cpu_seconds_during_last_batch"] = new JsonObject(r.CpuSeconds.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, Round(p.Value)))),
        ["where_time_goes_ms"] = new JsonArray(r.Timeline.Select(t => (JsonNode?)new JsonObject
        {
            ["transition"] = t.Transition,
            ["mean_ms_before"] = Round(t.MeanMs),
            ["times"] = t.Times,
        }).ToArray()),
    };

    private static JsonObject Round(BaselineResult b) => new()
    {
        ["messages"] = b.Messages,
        ["seconds"] = Round(b.Elapsed.TotalSeconds, 3),
        ["msgs_per_s"] = Round(b.PerSecond),
        ["prefetch"] = b.Prefetch,
        ["latency_ms"] = b.Latency is { } l ? new JsonObject { ["p50"] = Round(l.P50), ["p99"] = Round(l.P99) } : null,
    };

    private static JsonObject Percentiles(Latency latency) => new()
    {
        ["p50"] = Round(latency.P50),
        ["p95"] = Round(latency.P95),
        ["p99"] = Round(latency.P99),
    };

    private static double Round(double value) => Round(value, 2);

    private static double Round(double value, int digits) => Math.Round(value, digits, MidpointRounding.AwayFromZero);
}
