using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Mlops.Testing.Chart;

/// <summary>
/// The chart's values as helm computes them: <c>values.yaml</c> with the given files merged over it (maps merge key by key,
/// everything else is replaced), as JSON, so tests read them by dotted path and validate them against
/// <c>values.schema.json</c>.
/// </summary>
/// <example><code>var values = ChartValues.Load("ci/postgres-values.yaml"); values.Bool("provisioner.components.enabled")</code></example>
public sealed class ChartValues
{
    public const string ChartName = "mlops-control-plane";

    private ChartValues(JsonObject root) => Root = root;

    /// <summary>Where the chart lives in this repository.</summary>
    public static string ChartDirectory => Path.Combine(TestEnvironment.RepositoryRoot, "helm", ChartName);

    /// <summary>The merged values.</summary>
    public JsonObject Root { get; }

    /// <summary>
    /// <c>values.yaml</c>, then each of <paramref name="overrides"/> (paths relative to the chart) over it. A chart without
    /// <c>values.yaml</c> yet counts as empty defaults, so the ci files alone decide.
    /// </summary>
    public static ChartValues Load(params string[] overrides)
    {
        var defaults = Path.Combine(ChartDirectory, "values.yaml");
        var root = File.Exists(defaults) ? ReadYaml(defaults) as JsonObject ?? [] : [];
        foreach (var file in overrides)
            Merge(root, ReadYaml(Path.Combine(ChartDirectory, file)) as JsonObject ?? []);
        return new ChartValues(root);
    }

    /// <summary>The scenario files under <c>ci/</c>, relative to the chart (<c>ci/sqlite-values.yaml</c>, …).</summary>
    public static IReadOnlyList<string> Scenarios() =>
        Directory.GetFiles(Path.Combine(ChartDirectory, "ci"), "*-values.yaml")
            .Select(path => Path.GetRelativePath(ChartDirectory, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The node at a dotted path (<c>modelPromoter.namespaces</c>), or null when any part is missing.</summary>
    public JsonNode? At(string path)
    {
        JsonNode? node = Root;
        foreach (var part in path.Split('.'))
            node = node is JsonObject map && map.TryGetPropertyValue(part, out var child) ? child : null;
        return node;
    }

    public bool Bool(string path) => At(path) is JsonValue value && value.TryGetValue(out bool b) && b;

    // ReadYaml stores whole numbers as long, so read them as such.
    public int Int(string path) => At(path) is JsonValue value && value.TryGetValue(out long i) ? checked((int)i) : 0;

    public string? String(string path) => At(path) is JsonValue value && value.TryGetValue(out string? s) ? s : null;

    public IReadOnlyList<string> Strings(string path) =>
        At(path) is JsonArray items ? items.Select(item => item!.GetValue<string>()).ToList() : [];

    /// <summary>A YAML file as JSON: scalars become booleans, numbers or null where YAML 1.2's core schema says so, as helm reads them.</summary>
    public static JsonNode? ReadYaml(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
            stream.Load(reader);
        return stream.Documents.Count == 0 ? null : ToJson(stream.Documents[0].RootNode);
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(pair =>
            KeyValuePair.Create(((YamlScalarNode)pair.Key).Value ?? "", ToJson(pair.Value)))),
        YamlSequenceNode items => new JsonArray(items.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted)
            return JsonValue.Create(text);
        if (text is "" or "~" or "null" or "Null" or "NULL")
            return null;
        if (text is "true" or "True" or "TRUE")
            return JsonValue.Create(true);
        if (text is "false" or "False" or "FALSE")
            return JsonValue.Create(false);
        if (long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var whole))
            return JsonValue.Create(whole);
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var real))
            return JsonValue.Create(real);
        return JsonValue.Create(text);
    }

    private static void Merge(JsonObject into, JsonObject from)
    {
        foreach (var (key, value) in from.ToList())
        {
            if (value is JsonObject map && into[key] is JsonObject existing)
                Merge(existing, map);
            else
                into[key] = value?.DeepClone();
        }
    }
}
