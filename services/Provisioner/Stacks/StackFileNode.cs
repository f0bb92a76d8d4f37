using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mlops.Provisioner.Stacks;

/// <summary>
/// A mapping of the stack file being read: every value is taken by name with its path, so that wrong types, missing
/// fields and unknown fields are reported where they are (<c>buckets[1].name</c>, line 14), all of them at once.
/// </summary>
internal sealed class StackFileNode
{
    // Marks a subtree that is not a manifest; never part of a result.
    private static readonly JsonValue Unreadable = JsonValue.Create("unreadable");

    private readonly YamlMappingNode _node;
    private readonly List<StackFileError> _errors;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public StackFileNode(YamlMappingNode node, string path, List<StackFileError> errors)
    {
        _node = node;
        Path = path;
        _errors = errors;
    }

    public string Path { get; }

    public int Line => LineOf(_node);

    public void Error(string key, string message) => _errors.Add(new StackFileError(PathOf(key), LineOf(Find(key) ?? _node), message));

    public void Error(string message) => _errors.Add(new StackFileError(Path.Length == 0 ? "(top level)" : Path, Line, message));

    public bool Has(string key) => Find(key) is not null and not YamlScalarNode { Value: null or "" or "~" or "null", Style: ScalarStyle.Plain };

    public string? String(string key, bool required = false)
    {
        var value = Scalar(key, required, "a string");
        return value?.Value;
    }

    public bool? Bool(string key)
    {
        var value = Scalar(key, required: false, "true or false");
        if (value is null)
            return null;
        if (value.Style == ScalarStyle.Plain && bool.TryParse(value.Value, out var result))
            return result;
        Error(key, $"must be true or false, not '{value.Value}'");
        return null;
    }

    public int? Int(string key)
    {
        var value = Scalar(key, required: false, "a whole number");
        if (value is null)
            return null;
        if (value.Style == ScalarStyle.Plain && int.TryParse(value.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var result))
            return result;
        Error(key, $"must be a whole number, not '{value.Value}'");
        return null;
    }

    /// <summary>A list of strings; a single string is refused rather than guessed at.</summary>
    public IReadOnlyList<string> Strings(string key)
    {
        if (Sequence(key) is not { } sequence)
            return [];
        var values = new List<string>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (sequence.Children[i] is YamlScalarNode { Value: { } value })
                values.Add(value);
            else
                _errors.Add(new StackFileError($"{PathOf(key)}[{i}]", LineOf(sequence.Children[i]), "must be a string"));
        }
        return values;
    }

    public StackFileNode? Mapping(string key, bool required = false)
    {
        var found = Take(key);
        if (found is null || IsNull(found))
        {
            if (required)
                Error(key, "is required");
            return null;
        }
        if (found is YamlMappingNode mapping)
            return new StackFileNode(mapping, PathOf(key), _errors);
        Error(key, "must be a mapping of fields");
        return null;
    }

    public IReadOnlyList<StackFileNode> Mappings(string key)
    {
        if (Sequence(key) is not { } sequence)
            return [];
        var nodes = new List<StackFileNode>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            if (sequence.Children[i] is YamlMappingNode mapping)
                nodes.Add(new StackFileNode(mapping, $"{PathOf(key)}[{i}]", _errors));
            else
                _errors.Add(new StackFileError($"{PathOf(key)}[{i}]", LineOf(sequence.Children[i]), "must be a mapping of fields"));
        }
        return nodes;
    }

    /// <summary>The most nodes a manifest may hold: a kubeseal output has a few dozen; aliases must not multiply them.</summary>
    public const int MaxManifestNodes = 10_000;

    /// <summary>The deepest a manifest may nest; an alias into its own anchor would otherwise never end.</summary>
    public const int MaxManifestDepth = 32;

    /// <summary>A subtree taken as it is (a Kubernetes manifest), as JSON.</summary>
    public JsonObject? Manifest(string key)
    {
        var found = Take(key);
        if (found is null || IsNull(found))
            return null;
        if (found is not YamlMappingNode mapping)
        {
            Error(key, "must be a Kubernetes manifest (a mapping), as kubeseal writes it with -o yaml");
            return null;
        }
        var budget = MaxManifestNodes;
        if (ToJson(mapping, 0, ref budget) is JsonObject manifest)
            return manifest;
        Error(key, $"must be a Kubernetes manifest as kubeseal writes it: keys are plain strings, at most {MaxManifestDepth} levels and "
            + $"{MaxManifestNodes} nodes (aliases counted each time they are used)");
        return null;
    }

    /// <summary>Reports every field this mapping has that nobody asked for, naming the likely intended one.</summary>
    public void RejectUnknownFields(params string[] known)
    {
        foreach (var (keyNode, _) in _node.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (_read.Contains(key) || known.Contains(key, StringComparer.Ordinal))
                continue;
            var expected = _read.Union(known).Order(StringComparer.Ordinal).ToArray();
            var guess = expected.MinBy(k => Distance(k, key));
            var hint = guess is not null && Distance(guess, key) <= Math.Max(2, key.Length / 3) ? $" (did you mean '{guess}'?)" : "";
            _errors.Add(new StackFileError(PathOf(key), LineOf(keyNode), $"unknown field{hint}; expected one of: {string.Join(", ", expected)}"));
        }
    }

    private YamlScalarNode? Scalar(string key, bool required, string expected)
    {
        var found = Take(key);
        if (found is null || IsNull(found))
        {
            if (required)
                Error(key, "is required");
            return null;
        }
        if (found is YamlScalarNode scalar)
            return scalar;
        Error(key, $"must be {expected}, not a {(found is YamlSequenceNode ? "list" : "mapping")}");
        return null;
    }

    private YamlSequenceNode? Sequence(string key)
    {
        var found = Take(key);
        if (found is null || IsNull(found))
            return null;
        if (found is YamlSequenceNode sequence)
            return sequence;
        Error(key, "must be a list");
        return null;
    }

    private YamlNode? Take(string key)
    {
        _read.Add(key);
        return Find(key);
    }

    private YamlNode? Find(string key) =>
        _node.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: { } k } && k == key).Value;

    // A blank key is quoted, so that the error still names a field (YAML allows "" and " " as keys).
    private string PathOf(string key)
    {
        var name = string.IsNullOrWhiteSpace(key) ? $"\"{key}\"" : key;
        return Path.Length == 0 ? name : $"{Path}.{name}";
    }

    private static int LineOf(YamlNode node) => (int)node.Start.Line;

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    /// <summary>
    /// The node as JSON, or <see cref="Unreadable"/> when it is not a manifest: a key that is not a string (or repeats), too
    /// deep (a cycle), or more nodes than <paramref name="budget"/> allows (an alias bomb), counted before anything is built.
    /// </summary>
    private static JsonNode? ToJson(YamlNode node, int depth, ref int budget)
    {
        if (--budget < 0 || depth > MaxManifestDepth)
            return Unreadable;
        switch (node)
        {
            case YamlMappingNode mapping:
                var fields = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    var item = ToJson(value, depth + 1, ref budget);
                    if (key is not YamlScalarNode { Value: var name } || fields.ContainsKey(name ?? "") || ReferenceEquals(item, Unreadable))
                        return Unreadable;
                    fields[name ?? ""] = item;
                }
                return fields;
            case YamlSequenceNode sequence:
                var items = new JsonArray();
                foreach (var child in sequence.Children)
                {
                    var item = ToJson(child, depth + 1, ref budget);
                    if (ReferenceEquals(item, Unreadable))
                        return Unreadable;
                    items.Add(item);
                }
                return items;
            case YamlScalarNode scalar when IsNull(scalar):
                return null;
            case YamlScalarNode { Style: ScalarStyle.Plain } scalar when bool.TryParse(scalar.Value, out var b):
                return JsonValue.Create(b);
            case YamlScalarNode { Style: ScalarStyle.Plain } scalar when long.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n):
                return JsonValue.Create(n);
            case YamlScalarNode scalar:
                return JsonValue.Create(scalar.Value ?? "");
            default:
                return Unreadable;
        }
    }

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            previous = current;
        }
        return previous[b.Length];
    }
}
