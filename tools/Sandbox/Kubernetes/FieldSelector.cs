using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>A field selector (<c>metadata.name=x,status.phase!=Running</c>) over dotted paths of an object.</summary>
public sealed class FieldSelector
{
    private readonly IReadOnlyList<(string Path, string Value, bool Equal)> _terms;

    private FieldSelector(IReadOnlyList<(string Path, string Value, bool Equal)> terms)
    {
        _terms = terms;
    }

    public static FieldSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return new FieldSelector([]);
        var terms = new List<(string, string, bool)>();
        foreach (var term in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var op = term.Contains("!=", StringComparison.Ordinal) ? "!=" : term.Contains("==", StringComparison.Ordinal) ? "==" : "=";
            var at = term.IndexOf(op, StringComparison.Ordinal);
            if (at <= 0)
                throw KubernetesApiException.BadRequest($"invalid selector: '{text}'; can't understand '{term}'");
            terms.Add((term[..at], term[(at + op.Length)..], op != "!="));
        }
        return new FieldSelector(terms);
    }

    public bool Matches(JsonObject obj) => _terms.All(t => (ValueAt(obj, t.Path) == t.Value) == t.Equal);

    private static string ValueAt(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var part in path.Split('.'))
            node = node is JsonObject o ? o[part] : null;
        // Absent fields compare as empty, so "metadata.namespace=" selects cluster-scoped objects.
        return node?.ToString() ?? "";
    }
}
