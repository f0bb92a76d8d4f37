using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mlops.Testing.Chart;

/// <summary>
/// What the chart's Grafana dashboard (<c>files/grafana/mlops-control-plane.json</c>) asks of the product's metrics: each
/// <c>mlops_*</c> series a panel queries, with the labels it groups by. A service test holds these against its own
/// <c>/metrics</c>, so a renamed instrument or label breaks a test rather than a panel.
/// </summary>
public static partial class GrafanaDashboard
{
    // Labels Prometheus adds to every series it scrapes (the ServiceMonitor's targets), and the histogram's own.
    private static readonly HashSet<string> ScrapeLabels = ["service", "namespace", "pod", "job", "instance", "endpoint", "le"];

    public static string Path => System.IO.Path.Combine(ChartValues.ChartDirectory, "files", "grafana", "mlops-control-plane.json");

    /// <summary>Each product series the panels query, with the labels the query groups it by (scrape labels left out).</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> ProductSeries()
    {
        var series = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var expression in Expressions(JsonNode.Parse(File.ReadAllText(Path))))
        {
            var labels = GroupBy().Matches(expression).SelectMany(m => m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                .Where(l => !ScrapeLabels.Contains(l));
            foreach (Match name in ProductName().Matches(expression))
            {
                if (!series.TryGetValue(name.Value, out var set))
                    series[name.Value] = set = new HashSet<string>(StringComparer.Ordinal);
                set.UnionWith(labels);
            }
        }
        return series.ToDictionary(s => s.Key, s => (IReadOnlySet<string>)s.Value, StringComparer.Ordinal);
    }

    private static IEnumerable<string> Expressions(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == "expr" && value?.GetValue<string>() is { } expression)
                        yield return expression;
                    else
                        foreach (var inner in Expressions(value))
                            yield return inner;
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                    foreach (var inner in Expressions(item))
                        yield return inner;
                break;
        }
    }

    [GeneratedRegex(@"\bby\s*\(([^)]*)\)")]
    private static partial Regex GroupBy();

    [GeneratedRegex(@"\bmlops_[a-z0-9_]+")]
    private static partial Regex ProductName();
}
