using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>A label selector, from the query string form (<c>a=b,c!=d,e in (x,y),f,!g</c>) or a LabelSelector object.</summary>
public sealed class LabelSelector
{
    private readonly IReadOnlyList<Func<IReadOnlyDictionary<string, string>, bool>> _requirements;

    private LabelSelector(IReadOnlyList<Func<IReadOnlyDictionary<string, string>, bool>> requirements)
    {
        _requirements = requirements;
    }

    public static LabelSelector Everything { get; } = new([]);

    public bool Matches(JsonObject obj) => Matches(LabelsOf(obj));

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.All(r => r(labels));

    public static IReadOnlyDictionary<string, string> LabelsOf(JsonObject obj) =>
        obj["metadata"]?["labels"] is JsonObject labels
            ? labels.Where(l => l.Value is not null).ToDictionary(l => l.Key, l => l.Value!.ToString())
            : new Dictionary<string, string>();

    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return Everything;
        var requirements = new List<Func<IReadOnlyDictionary<string, string>, bool>>();
        foreach (var term in SplitTerms(text))
            requirements.Add(ParseTerm(term.Trim()));
        return new LabelSelector(requirements);
    }

    /// <summary>A <c>matchLabels</c>/<c>matchExpressions</c> object, as in a Deployment's or Job's spec.selector.</summary>
    public static LabelSelector FromObject(JsonObject? selector)
    {
        if (selector is null)
            return new LabelSelector([_ => false]);
        var requirements = new List<Func<IReadOnlyDictionary<string, string>, bool>>();
        if (selector["matchLabels"] is JsonObject matchLabels)
        {
            foreach (var (key, value) in matchLabels)
            {
                var expected = value?.ToString();
                requirements.Add(l => l.TryGetValue(key, out var v) && v == expected);
            }
        }
        if (selector["matchExpressions"] is JsonArray expressions)
        {
            foreach (var expression in expressions.OfType<JsonObject>())
            {
                var key = expression["key"]?.ToString() ?? "";
                var values = (expression["values"] as JsonArray)?.Select(v => v?.ToString() ?? "").ToHashSet() ?? [];
                requirements.Add((expression["operator"]?.ToString()) switch
                {
                    "In" => l => l.TryGetValue(key, out var v) && values.Contains(v),
                    "NotIn" => l => !l.TryGetValue(key, out var v) || !values.Contains(v),
                    "Exists" => l => l.ContainsKey(key),
                    "DoesNotExist" => l => !l.ContainsKey(key),
                    var op => throw KubernetesApiException.BadRequest($"unable to parse requirement: invalid operator {op}"),
                });
            }
        }
        return new LabelSelector(requirements);
    }

    /// <summary>A LabelSelector object in the query string form, as metav1.FormatLabelSelector writes it (e.g. Scale's status.selector).</summary>
    public static string Format(JsonObject? selector)
    {
        var terms = new List<string>();
        foreach (var (key, value) in (selector?["matchLabels"] as JsonObject ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
            terms.Add($"{key}={value}");
        foreach (var expression in (selector?["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var key = expression["key"]?.ToString() ?? "";
            var values = string.Join(',', (expression["values"] as JsonArray ?? []).Select(v => v?.ToString()).Order(StringComparer.Ordinal));
            terms.Add(expression["operator"]?.ToString() switch
            {
                "In" => $"{key} in ({values})",
                "NotIn" => $"{key} notin ({values})",
                "Exists" => key,
                "DoesNotExist" => $"!{key}",
                var op => $"{key} {op}",
            });
        }
        return string.Join(',', terms);
    }

    // Commas inside "in (a,b)" do not separate terms.
    private static IEnumerable<string> SplitTerms(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(')
                depth++;
            else if (text[i] == ')')
                depth--;
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }

    private static Func<IReadOnlyDictionary<string, string>, bool> ParseTerm(string term)
    {
        if (term.StartsWith('!'))
        {
            var key = term[1..].Trim();
            return l => !l.ContainsKey(key);
        }
        var setMatch = System.Text.RegularExpressions.Regex.Match(term, @"^(\S+)\s+(in|notin)\s*\((.*)\)$");
        if (setMatch.Success)
        {
            var key = setMatch.Groups[1].Value;
            var values = setMatch.Groups[3].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
            return setMatch.Groups[2].Value == "in"
                ? l => l.TryGetValue(key, out var v) && values.Contains(v)
                : l => !l.TryGetValue(key, out var v) || !values.Contains(v);
        }
        foreach (var op in new[] { "!=", "==", "=" })
        {
            var at = term.IndexOf(op, StringComparison.Ordinal);
            if (at < 0)
                continue;
            var key = term[..at].Trim();
            var value = term[(at + op.Length)..].Trim();
            return op == "!="
                ? l => !l.TryGetValue(key, out var v) || v != value
                : l => l.TryGetValue(key, out var v) && v == value;
        }
        if (term.Length == 0 || term.Contains(' ', StringComparison.Ordinal))
            throw KubernetesApiException.BadRequest($"unable to parse requirement: {term}");
        return l => l.ContainsKey(term);
    }
}
