using System.Globalization;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>Small accessors for the metadata and nested fields of stored JSON objects.</summary>
public static class ObjectMeta
{
    public static JsonObject Metadata(this JsonObject obj) => obj.Child("metadata");

    public static string Name(this JsonObject obj) => obj["metadata"]?["name"]?.GetValue<string>() ?? "";

    public static string? Namespace(this JsonObject obj) => obj["metadata"]?["namespace"]?.GetValue<string>();

    public static string Uid(this JsonObject obj) => obj["metadata"]?["uid"]?.GetValue<string>() ?? "";

    public static long Generation(this JsonObject obj) => obj["metadata"].Number("generation") ?? 0;

    public static long ResourceVersion(this JsonObject obj) =>
        long.TryParse(obj["metadata"]?["resourceVersion"]?.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;

    public static string? Annotation(this JsonObject obj, string key) => obj["metadata"]?["annotations"]?[key]?.GetValue<string>();

    public static void SetAnnotation(this JsonObject obj, string key, string value) => obj.Metadata().Child("annotations")[key] = value;

    /// <summary>The child object at <paramref name="key"/>, created when absent.</summary>
    public static JsonObject Child(this JsonObject obj, string key)
    {
        if (obj[key] is JsonObject existing)
            return existing;
        var created = new JsonObject();
        obj[key] = created;
        return created;
    }

    /// <summary>Sets <paramref name="key"/> only when it has no value yet (API defaulting).</summary>
    public static void Default(this JsonObject obj, string key, JsonNode value)
    {
        if (obj[key] is null)
            obj[key] = value;
    }

    public static string? String(this JsonNode? node, string key) => node?[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    // Values parsed from a request and values set in code are held differently; both read as numbers here.
    public static long? Number(this JsonNode? node, string key) =>
        node?[key] is JsonValue v && long.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset? ParseTimestamp(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    /// <summary>Every container of a pod template (init containers too).</summary>
    public static IEnumerable<JsonObject> Containers(JsonObject? podSpec) =>
        (podSpec?["initContainers"] as JsonArray ?? []).Concat(podSpec?["containers"] as JsonArray ?? []).OfType<JsonObject>();
}
