using k8s.Models;
using Microsoft.Extensions.Options;
using Mlops.Clients.Kubernetes;
using Mlops.Provisioner.Stacks;

namespace Mlops.Provisioner.Steps;

/// <summary>
/// The namespaces the stack names: the chart creates them with the Provisioner's Role, so a stack naming another is
/// refused, and each is proven workable with a namespaced list the Role allows.
/// </summary>
public sealed class NamespacesStep(IKubernetesClient kubernetes, IOptions<ProvisionerOptions> options) : IStackStep
{
    /// <summary>The chart value that lists the namespaces; named in failures so people know what to change.</summary>
    public const string ChartValue = "provisioner.namespaces";

    public async Task RunAsync(StackStepRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var allowed = options.Value.AllowedNamespaces;
        var named = StackNamespaces(run.Stack);
        var refused = named.Where(ns => !allowed.Contains(ns, StringComparer.Ordinal)).ToList();
        if (refused.Count > 0)
        {
            throw StackStepRun.Fail(
                $"namespace {string.Join(", ", refused)} is not one the Provisioner works in ({ProvisionerOptions.Section}:Namespaces: {string.Join(", ", allowed)}): " +
                $"add it to the chart value {ChartValue}, which creates the namespace with the Provisioner's Role in it");
        }
        foreach (var ns in named)
        {
            var access = await kubernetes.CanListAsync<V1Secret>(ns, run.CancellationToken);
            if (!access.Allowed)
            {
                // The advice first: the server's message is long and a reason is cut at 300 characters.
                throw StackStepRun.Fail(
                    $"the Provisioner may not work in namespace {ns}: add {ns} to the chart value {ChartValue}, so the chart creates the Provisioner's Role there " +
                    $"(listing secrets there was refused: {access.Reason})");
            }
        }
    }

    /// <summary>Every namespace the stack works in: its own, the further ones, those of its Secrets and installed components.</summary>
    public static IReadOnlyList<string> StackNamespaces(Contracts.ProvisionStack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var names = new List<string> { stack.Namespace };
        names.AddRange(stack.ExtraNamespaces.Select(n => n.Name));
        names.AddRange(RequiredSecret.Of(stack).Select(s => s.Namespace));
        if (stack.Minio.Install && ClusterAddress.Parse(stack.Minio.Endpoint) is { } minio)
            names.Add(minio.Namespace);
        if (stack.Mlflow.Install && ClusterAddress.Parse(stack.Mlflow.TrackingUri) is { } mlflow)
            names.Add(mlflow.Namespace);
        return names.Distinct(StringComparer.Ordinal).ToList();
    }
}
