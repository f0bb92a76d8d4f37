using System.Text.RegularExpressions;
using Mlops.Testing;
using Mlops.Testing.Chart;

namespace Mlops.Chart.Tests;

/// <summary>docs/deploy.md's RBAC table of each service says exactly what its files/rbac file grants, and when.</summary>
public sealed partial class When_the_deploy_doc_lists_the_rules
{
    [Theory]
    [InlineData("provisioner")]
    [InlineData("trainingCoordinator")]
    [InlineData("modelPromoter")]
    public void Should_match_the_rule_file(string service)
    {
        var doc = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "docs", "deploy.md"));
        var table = Regex.Match(doc, $@"<!-- rbac:{service} -->\n(.*?)<!-- /rbac -->", RegexOptions.Singleline);
        Assert.True(table.Success, $"docs/deploy.md has no table between <!-- rbac:{service} --> and <!-- /rbac -->");
        var documented = table.Groups[1].Value.Split('\n')
            .Where(line => line.StartsWith("| ", StringComparison.Ordinal) && !line.StartsWith("| API group", StringComparison.Ordinal))
            .Select(Row)
            .ToList();
        Assert.Equal(Expected(service), documented);
    }

    private static List<string> Expected(string service)
    {
        var file = ChartValues.ReadYaml(Path.Combine(ChartValues.ChartDirectory, "files", "rbac", ChartRole.RuleFiles[service]))!;
        var rows = (file["rules"]?.AsArray() ?? []).Select(rule => Row(rule!, "always")).ToList();
        foreach (var feature in file["features"]?.AsArray() ?? [])
            rows.AddRange((feature!["rules"]?.AsArray() ?? []).Select(rule => Row(rule!, feature["value"]!.GetValue<string>())));
        return rows;
    }

    private static string Row(System.Text.Json.Nodes.JsonNode rule, string when)
    {
        static string List(System.Text.Json.Nodes.JsonNode? items) =>
            string.Join(",", (items?.AsArray() ?? []).Select(item => item!.GetValue<string>() is "" ? "core" : item.GetValue<string>()));
        return $"{List(rule["apiGroups"])} | {List(rule["resources"])} | {List(rule["verbs"])} | {when}";
    }

    // A documented row, normalised as Row writes it: backticks and spaces around commas dropped.
    private static string Row(string line)
    {
        var cells = line.Trim().Trim('|').Split('|').Select(cell => Regex.Replace(cell.Replace("`", "", StringComparison.Ordinal), @"\s*,\s*", ",").Trim()).ToList();
        return string.Join(" | ", cells);
    }
}
