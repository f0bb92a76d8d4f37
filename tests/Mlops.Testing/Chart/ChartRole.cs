using System.Text.Json.Nodes;

namespace Mlops.Testing.Chart;

/// <summary>
/// A service's Role as the chart installs it for some values: the rules of <c>files/rbac/&lt;file&gt;.yaml</c> plus those of
/// each feature whose value is true, in each namespace of <c>&lt;service&gt;.namespaces</c>.
/// </summary>
public sealed record ChartRole(string Service, IReadOnlyList<string> Namespaces, IReadOnlyList<ChartRule> Rules)
{
    /// <summary>The values block and rule file of each service that has a Role.</summary>
    public static readonly IReadOnlyDictionary<string, string> RuleFiles = new Dictionary<string, string>
    {
        ["provisioner"] = "provisioner.yaml",
        ["trainingCoordinator"] = "training-coordinator.yaml",
        ["modelPromoter"] = "model-promoter.yaml",
    };

    /// <summary>The Role of <paramref name="service"/> (a values block name, e.g. <c>modelPromoter</c>) under <paramref name="values"/>.</summary>
    public static ChartRole For(string service, ChartValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var file = ChartValues.ReadYaml(Path.Combine(ChartValues.ChartDirectory, "files", "rbac", RuleFiles[service])) as JsonObject
            ?? throw new InvalidOperationException($"files/rbac/{RuleFiles[service]} is empty");
        var rules = ReadRules(file["rules"]).ToList();
        foreach (var feature in file["features"] as JsonArray ?? [])
        {
            if (values.Bool(feature!["value"]!.GetValue<string>()))
                rules.AddRange(ReadRules(feature["rules"]));
        }
        return new ChartRole(service, values.Strings($"{service}.namespaces"), rules);
    }

    /// <summary>
    /// This Role with one verb taken away from every rule that grants it (a rule left with no verb is dropped), to show
    /// what a missing rule does.
    /// </summary>
    public ChartRole Without(string group, string resource, string verb) => this with
    {
        Rules = Rules.SelectMany(rule => !rule.Grants().Contains((group, resource, verb))
            ? [rule]
            : rule.Resources.Count == 1 && rule.ApiGroups.Count == 1
                ? rule.Verbs.Count == 1 ? [] : new[] { rule with { Verbs = rule.Verbs.Where(v => v != verb).ToList() } }
                : new[]
                {
                    rule with { Resources = rule.Resources.Where(r => r != resource).ToList() },
                    new ChartRule([group], [resource], rule.Verbs.Where(v => v != verb).ToList()),
                }.Where(r => r.Resources.Count > 0 && r.Verbs.Count > 0)).ToList(),
    };

    /// <summary>Every (group, resource, verb) this Role grants.</summary>
    public IReadOnlySet<(string Group, string Resource, string Verb)> Grants() => Rules.SelectMany(r => r.Grants()).ToHashSet();

    private static IEnumerable<ChartRule> ReadRules(JsonNode? rules) =>
        (rules as JsonArray ?? []).Select(rule => new ChartRule(
            Strings(rule!["apiGroups"]), Strings(rule["resources"]), Strings(rule["verbs"])));

    private static List<string> Strings(JsonNode? node) =>
        (node as JsonArray ?? []).Select(item => item!.GetValue<string>()).ToList();
}
