using System.Text.Json;

namespace Mlops.Benchmarks.Tests;

/// <summary>
/// The benchmark end to end with N = 3: it finishes, prints a line per figure and writes latest.json with every key of
/// the issue, each a positive number, plus its details and chart. Only that figures exist is checked, never how good
/// they are.
/// </summary>
public sealed class When_the_benchmark_runs_with_a_tiny_N(SmallBenchmarkRun run) : IClassFixture<SmallBenchmarkRun>
{
    private static readonly string[] Services = ["provisioner", "training-coordinator", "model-promoter"];

    [Fact]
    public void Should_exit_zero()
    {
        Assert.True(run.ExitCode == 0, $"bench.sh exited {run.ExitCode}:\n{run.Output}");
    }

    [Fact]
    public void Should_print_one_summary_line_per_figure()
    {
        var lines = run.Output.Split('\n', StringSplitOptions.TrimEntries);
        foreach (var figure in new[] { "broker:", "masstransit:", "flows:", "ratio:", "at 50 flows/s offered", "saga store:", "memory:", "ready:" })
            Assert.True(lines.Count(l => l.StartsWith(figure, StringComparison.Ordinal)) == 1, $"no single line starting '{figure}' in:\n{run.Output}");
    }

    [Fact]
    public void Should_write_exactly_the_issues_keys()
    {
        var keys = Results().EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);
        string[] expected = ["broker_latency_ms", "broker_msgs_per_s", "flows_per_s", "latency_at_50_per_s_ms", "latency_ms", "masstransit_msgs_per_s",
            "messages_per_flow", "ratio", "ratio_to_masstransit", "ready_s", "rss_mb", "store_ratio"];
        Assert.Equal(expected, keys);
    }

    [Fact]
    public void Should_measure_both_baselines()
    {
        var results = Results();
        Positive(results, "broker_msgs_per_s");
        Positive(results, "masstransit_msgs_per_s");
        Percentiles(results.GetProperty("broker_latency_ms"), "p50", "p99");
    }

    [Fact]
    public void Should_measure_the_flows_and_their_ratios()
    {
        var results = Results();
        Positive(results, "flows_per_s");
        Positive(results, "ratio");
        Positive(results, "ratio_to_masstransit");
        Percentiles(results.GetProperty("latency_ms"), "p50", "p95", "p99");
        Percentiles(results.GetProperty("latency_at_50_per_s_ms"), "p50", "p95", "p99");
    }

    [Fact]
    public void Should_count_several_messages_per_flow_on_the_broker()
    {
        // At least the trigger and the ServingRolloutComplete itself; the real count comes from the broker.
        Assert.True(Results().GetProperty("messages_per_flow").GetDouble() >= 2, Results().ToString());
    }

    [Fact]
    public void Should_give_both_saga_store_ratios()
    {
        var store = Results().GetProperty("store_ratio");
        Positive(store, "sqlite");
        Positive(store, "postgres");
    }

    [Fact]
    public void Should_give_each_services_memory_and_time_to_ready()
    {
        var results = Results();
        foreach (var service in Services)
        {
            var memory = results.GetProperty("rss_mb").GetProperty(service);
            Positive(memory, "idle");
            Positive(memory, "load");
            Positive(results.GetProperty("ready_s"), service);
        }
    }

    [Fact]
    public void Should_write_the_details_and_the_chart()
    {
        var details = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.OutputDirectory, "latest-details.json"))).RootElement;
        Assert.True(details.GetProperty("envelope_bytes").GetInt32() > 0);
        Assert.Equal(3, details.GetProperty("bursts")[0].GetProperty("n").GetInt32());
        var png = File.ReadAllBytes(Path.Combine(run.OutputDirectory, "latest.png"));
        Assert.True(png.Length > 1000 && png.AsSpan(0, 4).SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }), "latest.png is not a PNG image");
    }

    private JsonElement Results()
    {
        Assert.True(run.Results.ValueKind == JsonValueKind.Object, $"no latest.json was written; bench.sh said:\n{run.Output}");
        return run.Results;
    }

    private static void Positive(JsonElement parent, string key)
    {
        Assert.True(parent.TryGetProperty(key, out var value), $"no '{key}' in {parent}");
        Assert.True(value.ValueKind == JsonValueKind.Number && value.GetDouble() > 0, $"'{key}' is {value}, not a positive number");
    }

    private static void Percentiles(JsonElement latency, params string[] keys)
    {
        foreach (var key in keys)
            Positive(latency, key);
        for (var i = 1; i < keys.Length; i++)
            Assert.True(latency.GetProperty(keys[i]).GetDouble() >= latency.GetProperty(keys[i - 1]).GetDouble(), $"{keys[i]} below {keys[i - 1]} in {latency}");
    }
}
