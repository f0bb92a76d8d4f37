using System.Text.RegularExpressions;
using k8s;
using Mlops.Testing;
using Mlops.Testing.Chart;

namespace Mlops.Chart.Tests;

/// <summary>
/// Where helm exists: <c>helm lint</c> and <c>helm template</c> for every ci scenario, the output accepted by
/// <c>kubectl apply --dry-run=server</c> against the sandbox's API server. Skipped where helm is not on PATH.
/// </summary>
public sealed partial class When_helm_renders_the_chart
{
    [RequiresHelmFact]
    public async Task Should_lint_render_and_pass_a_server_side_dry_run_for_every_scenario()
    {
        var home = Directory.CreateTempSubdirectory("chart-helm-").FullName;
        try
        {
            await using var sandbox = await SandboxFixture.StartAsync();
            var kubeconfig = Path.Combine(home, "kubeconfig");
            var server = sandbox.KubernetesUrl.ToString().TrimEnd('/');
            await File.WriteAllTextAsync(kubeconfig, string.Join('\n',
                "apiVersion: v1",
                "kind: Config",
                "clusters: [{name: sandbox, cluster: {server: \"" + server + "\"}}]",
                "contexts: [{name: sandbox, context: {cluster: sandbox, user: sandbox, namespace: mlops}}]",
                "current-context: sandbox",
                "users: [{name: sandbox, user: {}}]"));
            await sandbox.Kubernetes.CoreV1.CreateNamespaceAsync(new k8s.Models.V1Namespace { Metadata = new() { Name = "mlops" } });
            var kubectl = Helm.Find("kubectl") ?? "/usr/bin/kubectl";
            foreach (var scenario in ChartValues.Scenarios())
            {
                var values = Path.Combine(ChartValues.ChartDirectory, scenario);
                var lint = await Helm.RunAsync(Helm.Executable!, home, "lint", ChartValues.ChartDirectory, "-f", values, "--strict");
                Assert.True(lint.ExitCode == 0, $"helm lint {scenario}:\n{lint.Output}{lint.Error}");
                var rendered = await Helm.RunAsync(Helm.Executable!, home, "template", "mlops", ChartValues.ChartDirectory, "-f", values, "--namespace", "mlops");
                Assert.True(rendered.ExitCode == 0, $"helm template {scenario}:\n{rendered.Error}");
                // A server-side dry run keeps nothing, so the chart's own Namespaces would not hold its Roles: made first.
                foreach (var ns in NamespacesIn(rendered.Output))
                {
                    if (await sandbox.Kubernetes.CoreV1.ListNamespaceAsync(fieldSelector: $"metadata.name={ns}") is { Items.Count: 0 })
                        await sandbox.Kubernetes.CoreV1.CreateNamespaceAsync(new k8s.Models.V1Namespace { Metadata = new() { Name = ns } });
                }
                var manifest = Path.Combine(home, Path.GetFileName(scenario));
                await File.WriteAllTextAsync(manifest, rendered.Output);
                var applied = await Helm.RunAsync(kubectl, home, "--kubeconfig", kubeconfig, "apply", "--dry-run=server", "-f", manifest);
                Assert.True(applied.ExitCode == 0, $"kubectl apply --dry-run=server ({scenario}):\n{applied.Output}{applied.Error}");
            }
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static IEnumerable<string> NamespacesIn(string manifests) =>
        NamespaceObject().Matches(manifests).Select(m => m.Groups["name"].Value).Distinct();

    [GeneratedRegex(@"(?m)^kind: Namespace\n(?:(?!---).*\n)*?  name: (?<name>\S+)")]
    private static partial Regex NamespaceObject();
}
