using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Mlflow;

/// <summary>MLflow's JSON conventions shared by the entities: key/value lists and compact output.</summary>
public static class MlflowJson
{
    public static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>MLflow sends tags and params as <c>[{"key", "value"}]</c>, sorted here so answers are stable.</summary>
    public static JsonArray TagList(IReadOnlyDictionary<string, string> tags) =>
        new(tags.OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => (JsonNode)new JsonObject { ["key"] = t.Key, ["value"] = t.Value })
            .ToArray());

    public static JsonObject TagMap(IReadOnlyDictionary<string, string> tags)
    {
        var map = new JsonObject();
        foreach (var (key, value) in tags.OrderBy(t => t.Key, StringComparer.Ordinal))
            map[key] = value;
        return map;
    }
}
