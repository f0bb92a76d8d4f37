using System.Text.RegularExpressions;
using Mlops.Testing;
using Mlops.Testing.Chart;

namespace Mlops.Chart.Tests;

/// <summary>The templates hold what a safe install needs: probes, locked-down pods, the SQLite rules, rolling on change, Roles from the rule files.</summary>
public sealed partial class When_the_templates_are_read
{
    private static string Deployment => ChartFiles.Read("templates/deployment.yaml");

    private static string Helpers => ChartFiles.Read("templates/_helpers.tpl");

    [Fact]
    public void Should_close_every_block_each_template_opens()
    {
        foreach (var (file, text) in ChartFiles.Templates())
        {
            var opened = BlockStart().Count(text);
            var closed = BlockEnd().Count(text);
            Assert.True(opened == closed, $"{file}: {opened} if/range/with/define, {closed} end");
        }
    }

    [Fact]
    public void Should_probe_live_and_ready()
    {
        Assert.Matches(@"livenessProbe:\s+httpGet:\s+path: /health/live", Deployment);
        Assert.Matches(@"readinessProbe:\s+httpGet:\s+path: /health/ready", Deployment);
        Assert.Matches(@"startupProbe:\s+httpGet:\s+path: /health/live", Deployment);
    }

    [Fact]
    public void Should_set_the_pod_and_container_security_contexts_from_values()
    {
        Assert.Contains("securityContext:\n        {{- toYaml $v.podSecurityContext | nindent 8 }}", Deployment, StringComparison.Ordinal);
        Assert.Contains("securityContext:\n            {{- toYaml $v.securityContext | nindent 12 }}", Deployment, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_recreate_rather_than_roll_on_sqlite_and_fail_on_more_replicas()
    {
        Assert.Matches(@"\{\{- if \$sqlite \}\}\s+strategy:\s+type: Recreate\s+\{\{- else \}\}\s+strategy:\s+type: RollingUpdate", Deployment);
        Assert.Matches(@"if and \$sqlite \(gt \(int \$v\.replicas\) 1\) \}\}\s+\{\{- fail ", Deployment);
        Assert.Contains("$sqlite := eq $.Values.store.type \"sqlite\"", Deployment, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_write_only_to_tmp_and_the_store_volume()
    {
        var mounts = VolumeMount().Matches(Deployment).Select(m => (Name: m.Groups[1].Value, Block: m.Value)).ToList();
        Assert.Equal(["tmp", "data", "ops-tokens", "webhook"], mounts.Select(m => m.Name));
        foreach (var (name, block) in mounts.Where(m => m.Name is not ("tmp" or "data")))
            Assert.True(block.Contains("readOnly: true", StringComparison.Ordinal), $"the volume {name} is mounted writable");
        Assert.Contains("mountPath: /data", Deployment, StringComparison.Ordinal);
        Assert.Contains("\"SagaStore__DataDirectory\" \"/data\"", Helpers, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_roll_the_pods_when_the_settings_change()
    {
        Assert.Matches(@"checksum/config: \{\{ include ""mlops-control-plane\.settings"" .*\| sha256sum \}\}", Deployment);
        Assert.Contains("include \"mlops-control-plane.settings\"", ChartFiles.Read("templates/configmap.yaml"), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_take_only_secrets_from_secret_key_refs()
    {
        var names = SecretEnvName().Matches(Deployment).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Equal(new HashSet<string> { "RABBITMQ_URL", "SagaStore__ConnectionString", "Mlflow__Username", "Mlflow__Password", "Mlflow__Token", "Minio__AccessKey", "Minio__SecretKey" }, names);
        Assert.DoesNotContain("value:", Deployment, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_guard_services_with_more_than_one_replica_with_a_disruption_budget()
    {
        var pdb = ChartFiles.Read("templates/pdb.yaml");
        Assert.Contains("kind: PodDisruptionBudget", pdb, StringComparison.Ordinal);
        Assert.Contains("if gt (int $v.replicas) 1", pdb, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_build_each_role_from_its_rule_file()
    {
        Assert.Contains(".root.Files.Get (printf \"files/rbac/%s\" .file) | fromYaml", Helpers, StringComparison.Ordinal);
        Assert.Contains("include \"mlops-control-plane.rules\" (dict \"root\" $ \"file\" $service.rbacFile)", ChartFiles.Read("templates/rbac.yaml"), StringComparison.Ordinal);
        foreach (var (service, file) in ChartRole.RuleFiles)
            Assert.Matches($@"(?m)^{service}: \{{name: [a-z-]+, rbacFile: {Regex.Escape(file)}\}}$", Helpers);
        Assert.DoesNotContain("ClusterRole", string.Concat(ChartFiles.Templates().Values), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_prefix_every_helper_and_label_every_object()
    {
        var defines = Define().Matches(Helpers).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("mlops-control-plane.fullname", defines);
        Assert.Contains("mlops-control-plane.serviceAccountName", defines);
        Assert.All(defines, name => Assert.StartsWith("mlops-control-plane.", name, StringComparison.Ordinal));
        foreach (var label in new[] { "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component", "app.kubernetes.io/version", "app.kubernetes.io/managed-by" })
            Assert.Contains(label + ":", Helpers, StringComparison.Ordinal);
        foreach (var (file, text) in ChartFiles.Templates().Where(t => t.Key.EndsWith(".yaml", StringComparison.Ordinal)))
        {
            var kinds = Regex.Count(text, @"(?m)^kind: ");
            var labelled = Regex.Count(text, @"include ""mlops-control-plane\.labels""");
            Assert.True(kinds > 0 && labelled >= kinds, $"{file}: {kinds} objects, {labelled} labelled");
        }
    }

    [Fact]
    public void Should_have_a_helm_test_pod_that_asks_each_service_whether_it_is_ready()
    {
        var test = ChartFiles.Read("templates/tests/health.yaml");
        Assert.Contains("helm.sh/hook: test", test, StringComparison.Ordinal);
        Assert.Contains("/health/ready", test, StringComparison.Ordinal);
        Assert.Contains("range $key, $service := include \"mlops-control-plane.services\"", test, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_let_the_dashboard_answer_to_the_service_names_its_helm_test_pod_asks()
    {
        // mlopsctl dashboard refuses every Host it was not told of (421), so without these its helm test pod's curl fails.
        var dashboard = ChartFiles.Read("templates/dashboard.yaml");
        Assert.Contains("printf \"http://%s.%s.svc.cluster.local:%v\"", Helpers, StringComparison.Ordinal);
        Assert.Contains("(printf \"%s.%s.svc.cluster.local\" $name .Release.Namespace)", dashboard, StringComparison.Ordinal);
        Assert.Contains("{{- $hosts = concat $hosts $v.allowedHosts }}", dashboard, StringComparison.Ordinal);
        Assert.Contains("{{ range $hosts }}, --allowed-host, {{ . | quote }}{{ end }}]", dashboard, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_set_only_settings_the_services_read()
    {
        var keys = SettingKey().Matches(Helpers).Select(m => m.Groups[1].Value.Replace("__", ":", StringComparison.Ordinal)).Distinct().ToList();
        Assert.Contains("Provisioner:Namespaces", keys);
        Assert.Contains("Training:WatchWorkflows", keys);
        var sources = Directory.GetFiles(Path.Combine(TestEnvironment.RepositoryRoot, "services"), "*.cs", SearchOption.AllDirectories)
            .Select(File.ReadAllText).ToList();
        var unknown = keys.Where(key => !IsRead(key, sources)).ToList();
        Assert.True(unknown.Count == 0, "settings no service reads: " + string.Join(", ", unknown));
    }


    // A key is read when its text appears whole, or when an options class bound to its section has a property of its last part.
    private static bool IsRead(string key, IReadOnlyList<string> sources)
    {
        var section = key[..key.LastIndexOf(':')];
        var property = key[(key.LastIndexOf(':') + 1)..];
        return sources.Any(source => source.Contains($"\"{key}\"", StringComparison.Ordinal)
            || (Regex.IsMatch(source, $@"(Section|SectionName) = ""{Regex.Escape(section)}""")
                && Regex.IsMatch(source, $@"public [^\s]+ {property} \{{ get;")));
    }

    [GeneratedRegex(@"\{\{-?\s*(if|range|with|define)\b")]
    private static partial Regex BlockStart();

    [GeneratedRegex(@"\{\{-?\s*end\s*-?\}\}")]
    private static partial Regex BlockEnd();

    [GeneratedRegex(@"- name: ([a-z-]+)\s+mountPath: [^\n]+(\n\s+readOnly: true)?")]
    private static partial Regex VolumeMount();

    [GeneratedRegex(@"""name"" ""([A-Za-z_]+)"" ""secret""")]
    private static partial Regex SecretEnvName();

    [GeneratedRegex(@"\{\{-? define ""([^""]+)""")]
    private static partial Regex Define();

    [GeneratedRegex(@"""([A-Z][A-Za-z]+(?:__[A-Z][A-Za-z]+)+)")]
    private static partial Regex SettingKey();
}
