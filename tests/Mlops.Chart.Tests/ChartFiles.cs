using System.Text.RegularExpressions;
using Mlops.Testing.Chart;

namespace Mlops.Chart.Tests;

/// <summary>The chart's files as text, and the values paths its templates read.</summary>
public static partial class ChartFiles
{
    /// <summary>The services with a Role and a store, by values block.</summary>
    public static IReadOnlyList<string> Services => [.. ChartRole.RuleFiles.Keys];

    /// <summary>Every block with a Deployment: the services and the dashboard.</summary>
    public static IReadOnlyList<string> Blocks => [.. Services, "dashboard"];

    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(ChartValues.ChartDirectory, relativePath));

    /// <summary>Every template (yaml, tpl, NOTES.txt), by path relative to the chart.</summary>
    public static IReadOnlyDictionary<string, string> Templates() =>
        Directory.GetFiles(Path.Combine(ChartValues.ChartDirectory, "templates"), "*", SearchOption.AllDirectories)
            .ToDictionary(path => Path.GetRelativePath(ChartValues.ChartDirectory, path).Replace('\\', '/'), File.ReadAllText, StringComparer.Ordinal);

    /// <summary>
    /// The values paths the templates read: <c>.Values.a.b</c>; <c>$v.a.b</c> where <c>$v</c> is a service's block (the
    /// dashboard's in dashboard.yaml, any of the three services' elsewhere); <c>.values.a.b</c>, a helper's block argument
    /// (any block's); and the rule files' feature values. A whole block handed on (<c>.Values.modelPromoter</c>) uses none of
    /// its keys by itself.
    /// </summary>
    public static IReadOnlyList<TemplateReference> References()
    {
        var references = new List<TemplateReference>();
        foreach (var (file, text) in Templates())
        {
            foreach (Match match in ValuesPath().Matches(text))
                references.Add(new TemplateReference(file, [match.Groups[1].Value], CoversChildren: !Blocks.Contains(match.Groups[1].Value)));
            foreach (Match match in BlockPath().Matches(text))
            {
                IReadOnlyList<string> blocks = match.Groups[1].Value == ".values" ? Blocks
                    : file.EndsWith("dashboard.yaml", StringComparison.Ordinal) ? ["dashboard"] : Services;
                references.Add(new TemplateReference(file, blocks.Select(b => $"{b}.{match.Groups[2].Value}").ToList()));
            }
        }
        foreach (var (service, ruleFile) in ChartRole.RuleFiles)
            foreach (var feature in RuleFeatures(ruleFile))
                references.Add(new TemplateReference($"files/rbac/{ruleFile}", [feature]));
        return references;
    }

    /// <summary>The `value` of each feature of a rule file.</summary>
    public static IEnumerable<string> RuleFeatures(string ruleFile) =>
        (ChartValues.ReadYaml(Path.Combine(ChartValues.ChartDirectory, "files", "rbac", ruleFile))?["features"]?.AsArray() ?? [])
            .Select(feature => feature!["value"]!.GetValue<string>());

    [GeneratedRegex(@"\.Values\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)")]
    private static partial Regex ValuesPath();

    [GeneratedRegex(@"(\$v|\.values)\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)")]
    private static partial Regex BlockPath();
}
