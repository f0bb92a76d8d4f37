using System.Text.Json.Nodes;
using Mlops.Testing.Chart;

namespace Mlops.ContainerTests;

/// <summary>
/// A service's Role as the chart installs it for a <c>ci/</c> scenario (<see cref="ChartRole.For"/>). Until the chart has its
/// <c>values.yaml</c>, the scenario file alone gives the namespaces and the features, read the same way from the same rule file.
/// </summary>
public static class ChartRoles
{
    public const string Scenario = "ci/sqlite-values.yaml";

    public static ChartRole For(string service, string scenario = Scenario)
    {
        if (File.Exists(Path.Combine(ChartValues.ChartDirectory, "values.yaml")))
            return ChartRole.For(service, ChartValues.Load(scenario));
        var values = ChartValues.ReadYaml(Path.Combine(ChartValues.ChartDirectory, scenario)) as JsonObject ?? [];
        var file = (JsonObject)ChartValues.ReadYaml(Path.Combine(ChartValues.ChartDirectory, "files", "rbac", ChartRole.RuleFiles[service]))!;
        var rules = Rules(file["rules"]).ToList();
        foreach (var feature in file["features"] as JsonArray ?? [])
        {
            if (At(values, feature!["value"]!.GetValue<string>()) is JsonValue on && on.TryGetValue(out bool enabled) && enabled)
                rules.AddRange(Rules(feature["rules"]));
        }
        var namespaces = (At(values, $"{service}.namespaces") as JsonArray ?? []).Select(n => n!.GetValue<string>()).ToList();
        return new ChartRole(service, namespaces, rules);
    }

    private static JsonNode? At(JsonNode root, string path) =>
        path.Split('.').Aggregate((JsonNode?)root, (node, part) => node is JsonObject map && map.TryGetPropertyValue(part, out var child) ? child : null);

    private static IEnumerable<ChartRule> Rules(JsonNode? rules) =>
        (rules as JsonArray ?? []).Select(rule => new ChartRule(Strings(rule!["apiGroups"]), Strings(rule["resources"]), Strings(rule["verbs"])));

    private static List<string> Strings(JsonNode? node) => (node as JsonArray ?? []).Select(item => item!.GetValue<string>()).ToList();
}
