using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mlops.Testing.Chart;

namespace Mlops.Chart.Tests;

/// <summary>values.yaml documents every key, the service blocks share their sub-keys, and templates and values do not drift apart.</summary>
public sealed partial class When_values_yaml_is_read
{
    private static readonly string[] SharedKeys =
        ["image", "replicas", "resources", "serviceAccount", "podSecurityContext", "securityContext", "nodeSelector", "tolerations", "affinity", "env"];

    [Fact]
    public void Should_have_a_helm_docs_comment_on_every_key()
    {
        var lines = File.ReadAllLines(Path.Combine(ChartValues.ChartDirectory, "values.yaml"));
        var undocumented = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!KeyLine().IsMatch(lines[i]))
                continue;
            var above = i - 1;
            var documented = false;
            while (above >= 0 && lines[above].TrimStart().StartsWith('#'))
            {
                documented |= lines[above].TrimStart().StartsWith("# --", StringComparison.Ordinal);
                above--;
            }
            if (!documented)
                undocumented.Add($"line {i + 1}: {lines[i].Trim()}");
        }
        Assert.True(undocumented.Count == 0, "keys without a `# --` comment:\n" + string.Join("\n", undocumented));
        Assert.True(lines.Count(l => KeyLine().IsMatch(l)) > 100, "the key pattern found too few keys to mean anything");
    }

    [Fact]
    public void Should_give_every_service_block_the_same_sub_keys()
    {
        var values = ChartValues.Load();
        foreach (var block in ChartFiles.Services.Append("dashboard"))
            foreach (var key in SharedKeys)
                Assert.True(values.At($"{block}.{key}") is not null, $"{block}.{key} is missing");
        foreach (var block in ChartFiles.Services)
        {
            Assert.True(values.At($"{block}.rbac.create") is not null, $"{block}.rbac.create is missing");
            Assert.NotEmpty(values.Strings($"{block}.namespaces"));
        }
    }

    [Theory]
    [InlineData("provisioner")]
    [InlineData("trainingCoordinator")]
    [InlineData("modelPromoter")]
    [InlineData("dashboard")]
    public void Should_run_each_service_unprivileged_by_default(string block)
    {
        var values = ChartValues.Load();
        Assert.True(values.Bool($"{block}.podSecurityContext.runAsNonRoot"));
        Assert.True(values.Int($"{block}.podSecurityContext.fsGroup") > 0);
        Assert.Equal("RuntimeDefault", values.String($"{block}.podSecurityContext.seccompProfile.type"));
        Assert.True(values.Bool($"{block}.securityContext.readOnlyRootFilesystem"));
        Assert.False(values.Bool($"{block}.securityContext.allowPrivilegeEscalation"));
        Assert.NotNull(values.At($"{block}.securityContext.allowPrivilegeEscalation"));
        Assert.Equal(["ALL"], values.Strings($"{block}.securityContext.capabilities.drop"));
    }

    [Fact]
    public void Should_hold_no_secret_value_by_default()
    {
        var leaves = Leaves(ChartValues.Load().Root, "").ToList();
        var secretLike = leaves.Where(l => SecretKeyName().IsMatch(l.Path.Split('.')[^1]) && !l.Path.EndsWith("Key", StringComparison.Ordinal)).ToList();
        Assert.True(secretLike.Count == 0, "keys that look like they hold a secret: " + string.Join(", ", secretLike.Select(l => l.Path)));
    }

    [Fact]
    public void Should_have_every_values_path_a_template_reads()
    {
        var values = ChartValues.Load("ci/postgres-values.yaml");
        var missing = ChartFiles.References()
            .Where(r => !r.Candidates.Any(path => Exists(values, path)))
            .Select(r => $"{r.File}: {string.Join(" or ", r.Candidates)}")
            .Distinct()
            .ToList();
        Assert.True(missing.Count == 0, "templates read values that values.yaml does not have:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Should_have_a_template_read_every_values_key()
    {
        var references = ChartFiles.References();
        var unused = Leaves(ChartValues.Load().Root, "")
            .Select(l => l.Path)
            .Where(path => !references.Any(r => r.Candidates.Any(u => path == u || (r.CoversChildren && path.StartsWith(u + ".", StringComparison.Ordinal)))))
            .ToList();
        Assert.True(unused.Count == 0, "values no template reads:\n" + string.Join("\n", unused));
    }

    private static bool Exists(ChartValues values, string path)
    {
        JsonNode? node = values.Root;
        foreach (var part in path.Split('.'))
        {
            if (node is not JsonObject map || !map.ContainsKey(part))
                return false;
            node = map[part];
        }
        return true;
    }

    private static IEnumerable<(string Path, JsonNode? Value)> Leaves(JsonNode? node, string prefix)
    {
        if (node is JsonObject map && map.Count > 0)
        {
            foreach (var (key, child) in map)
                foreach (var leaf in Leaves(child, prefix.Length == 0 ? key : $"{prefix}.{key}"))
                    yield return leaf;
        }
        else
        {
            yield return (prefix, node);
        }
    }

    // A mapping key at any depth (`  key:`), not a list item or a comment.
    [GeneratedRegex(@"^\s*[A-Za-z_][A-Za-z0-9_]*:")]
    private static partial Regex KeyLine();

    [GeneratedRegex(@"(?i)(password|secretkey|token|connectionstring)")]
    private static partial Regex SecretKeyName();
}
