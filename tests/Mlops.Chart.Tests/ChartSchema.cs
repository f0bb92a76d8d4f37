using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Mlops.Testing.Chart;

namespace Mlops.Chart.Tests;

/// <summary>The chart's <c>values.schema.json</c>, built once, and the errors it finds in some values.</summary>
public static class ChartSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(ChartValues.ChartDirectory, "values.schema.json"))));

    /// <summary>
    /// Every refusal as <c>/instance/location: keyword: message</c>; empty when the values are valid. Only failures that make
    /// the values invalid count: a failed <c>anyOf</c> alternative or <c>if</c> under a passing schema is no refusal.
    /// </summary>
    public static IReadOnlyList<string> Errors(JsonNode values)
    {
        using var document = JsonDocument.Parse(values.ToJsonString());
        var results = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        var errors = new List<string>();
        Collect(results, errors);
        return errors.Distinct(StringComparer.Ordinal).ToList();
    }

    private static void Collect(EvaluationResults node, List<string> errors)
    {
        if (node.IsValid)
            return;
        foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
        {
            // A `false` schema (additionalProperties: false) reports no keyword: name the one that led to it.
            var name = keyword.Length > 0 ? keyword : node.EvaluationPath.ToString().Split('/').LastOrDefault(s => s.Length > 0) ?? "false";
            errors.Add($"{node.InstanceLocation}: {name}: {message}");
        }
        var failedChildren = (node.Details ?? []).Where(child => !child.IsValid).ToList();
        // `not` and some others fail without a message of their own: name the keyword.
        if (node.Errors is not { Count: > 0 } && failedChildren.Count == 0)
            errors.Add($"{node.InstanceLocation}: {node.EvaluationPath.ToString().Split('/').LastOrDefault(s => s.Length > 0)}: the value fails this keyword");
        foreach (var child in failedChildren)
            Collect(child, errors);
    }
}
