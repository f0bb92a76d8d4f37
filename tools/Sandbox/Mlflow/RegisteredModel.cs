using System.Globalization;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Mlflow;

/// <summary>A named model in the registry with its versions, tags and aliases.</summary>
public sealed class RegisteredModel
{
    public required string Name { get; set; }

    public long CreationTimestamp { get; init; }

    public long LastUpdatedTimestamp { get; set; }

    public string UserId { get; init; } = "";

    public string Description { get; set; } = "";

    public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

    /// <summary>Alias to version number.</summary>
    public Dictionary<string, int> Aliases { get; } = new(StringComparer.Ordinal);

    public List<ModelVersion> Versions { get; } = [];

    /// <summary>Version numbers are never reused, also after a delete.</summary>
    public int LastVersionNumber { get; set; }

    /// <summary>The newest version per stage, as MLflow's <c>latest_versions</c>.</summary>
    public IEnumerable<ModelVersion> LatestVersions(IReadOnlyCollection<string>? stages = null) =>
        Versions.GroupBy(v => v.CurrentStage, StringComparer.OrdinalIgnoreCase)
            .Where(g => stages is null || stages.Count == 0 || stages.Contains(g.Key, StringComparer.OrdinalIgnoreCase))
            .Select(g => g.MaxBy(v => v.Version)!)
            .OrderBy(v => v.Version);

    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["creation_timestamp"] = CreationTimestamp,
        ["last_updated_timestamp"] = LastUpdatedTimestamp,
        ["user_id"] = UserId,
        ["description"] = Description,
        ["latest_versions"] = new JsonArray(LatestVersions().Select(v => (JsonNode)v.ToJson()).ToArray()),
        ["tags"] = MlflowJson.TagList(Tags),
        ["aliases"] = new JsonArray(Aliases.OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => (JsonNode)new JsonObject { ["alias"] = a.Key, ["version"] = a.Value.ToString(CultureInfo.InvariantCulture) })
            .ToArray()),
    };
}
