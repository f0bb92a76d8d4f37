using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes.Patching;

/// <summary>RFC 6902 JSON patch (add, remove, replace, move, copy, test), as <c>kubectl rollout undo</c> sends it.</summary>
public static class JsonPatch
{
    public static JsonNode Apply(JsonNode target, JsonArray operations)
    {
        var document = target.DeepClone();
        foreach (var operation in operations.OfType<JsonObject>())
        {
            var op = operation["op"]?.GetValue<string>() ?? throw KubernetesApiException.BadRequest("json patch operation without op");
            var path = operation["path"]?.GetValue<string>() ?? throw KubernetesApiException.BadRequest("json patch operation without path");
            switch (op)
            {
                case "add":
                    document = Add(document, path, operation["value"]?.DeepClone());
                    break;
                case "remove":
                    Remove(document, path);
                    break;
                case "replace":
                    Remove(document, path);
                    document = Add(document, path, operation["value"]?.DeepClone());
                    break;
                case "move":
                {
                    var from = operation["from"]!.GetValue<string>();
                    var value = Resolve(document, from)?.DeepClone();
                    Remove(document, from);
                    document = Add(document, path, value);
                    break;
                }
                case "copy":
                    document = Add(document, path, Resolve(document, operation["from"]!.GetValue<string>())?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Resolve(document, path), operation["value"]))
                        throw new KubernetesPatchException($"testing value {path} failed");
                    break;
                default:
                    throw KubernetesApiException.BadRequest($"unexpected json patch operation {op}");
            }
        }
        return document;
    }

    private static string[] Split(string path) =>
        path.Length == 0 ? [] : path[1..].Split('/').Select(p => p.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();

    private static JsonNode? Resolve(JsonNode document, string path) => Resolve(document, Split(path), path);

    private static JsonNode? Resolve(JsonNode document, string[] parts, string path)
    {
        JsonNode? node = document;
        foreach (var part in parts)
        {
            node = node switch
            {
                JsonObject o when o.ContainsKey(part) => o[part],
                JsonArray a when int.TryParse(part, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw new KubernetesPatchException($"doc is missing path: \"{path}\""),
            };
        }
        return node;
    }

    private static JsonNode Add(JsonNode document, string path, JsonNode? value)
    {
        var parts = Split(path);
        if (parts.Length == 0)
            return value ?? throw new KubernetesPatchException("cannot replace the document with null");
        var parent = Resolve(document, parts[..^1], path);
        var last = parts[^1];
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count:
                a.Insert(i, value);
                break;
            default:
                throw new KubernetesPatchException($"doc is missing path: \"{path}\"");
        }
        return document;
    }

    private static void Remove(JsonNode document, string path)
    {
        var parts = Split(path);
        var parent = Resolve(document, parts[..^1], path);
        var last = parts[^1];
        var removed = parent switch
        {
            JsonObject o => o.Remove(last),
            JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count => RemoveAt(a, i),
            _ => false,
        };
        if (!removed)
            throw new KubernetesPatchException($"doc is missing path: \"{path}\"");
    }

    private static bool RemoveAt(JsonArray array, int index)
    {
        array.RemoveAt(index);
        return true;
    }
}
