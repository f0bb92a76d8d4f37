namespace Mlops.Sandbox.Kubernetes.Controllers;

/// <summary>
/// The namespace controller: a namespace being deleted (phase Terminating) has its content deleted, and goes once
/// nothing is left in it (pods finish their graceful deletion first).
/// </summary>
public sealed class NamespaceController(KubernetesRegistry registry, ILogger<NamespaceController> logger) : ControllerLoop(registry, logger)
{
    protected override ResourceType Primary => ResourceCatalog.Namespaces;

    // Content leaving a terminating namespace may let it go.
    protected override IEnumerable<ObjectKey> Affected(StoreEvent change) =>
        change.Resource.Namespaced && change.Type == "DELETED" && change.Namespace is { } ns
            ? [new ObjectKey(null, ns)]
            : base.Affected(change);

    protected override Task ReconcileAsync(string? ns, string name, CancellationToken cancellationToken)
    {
        var namespaceObject = Registry.Find(ResourceCatalog.Namespaces, null, name);
        if (namespaceObject is null || !KubernetesRegistry.IsDeleting(namespaceObject))
            return Task.CompletedTask;
        var remaining = 0;
        foreach (var type in ResourceCatalog.All.Where(t => t.Namespaced && t.Stored))
        {
            foreach (var item in Registry.List(type, name).Items)
            {
                remaining++;
                if (KubernetesRegistry.IsDeleting(item))
                    continue;
                try
                {
                    Registry.Delete(type, name, item.Name(), DeleteOptions.Background);
                }
                catch (KubernetesApiException gone) when (gone.Code == 404)
                {
                    remaining--;
                }
            }
        }
        if (remaining == 0 || ResourceCatalog.All.Where(t => t.Namespaced && t.Stored).All(t => Registry.List(t, name).Items.Count == 0))
            Registry.RemoveNamespace(name);
        return Task.CompletedTask;
    }
}
