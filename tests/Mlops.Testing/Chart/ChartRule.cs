namespace Mlops.Testing.Chart;

/// <summary>One rule of a service's Role as the chart installs it (one entry of <c>files/rbac/&lt;service&gt;.yaml</c>).</summary>
public sealed record ChartRule(IReadOnlyList<string> ApiGroups, IReadOnlyList<string> Resources, IReadOnlyList<string> Verbs)
{
    /// <summary>Each (group, resource, verb) the rule grants, e.g. <c>apps/deployments create</c>.</summary>
    public IEnumerable<(string Group, string Resource, string Verb)> Grants() =>
        from g in ApiGroups from r in Resources from v in Verbs select (g, r, v);

    public k8s.Models.V1PolicyRule ToPolicyRule() =>
        new() { ApiGroups = ApiGroups.ToList(), Resources = Resources.ToList(), Verbs = Verbs.ToList() };
}
