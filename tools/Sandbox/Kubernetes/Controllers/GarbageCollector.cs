using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes.Controllers;

/// <summary>
/// The garbage collector's foreground deletion: an owner deleted with <c>propagationPolicy: Foreground</c> keeps its
/// <c>deletionTimestamp</c> and the <c>foregroundDeletion</c> finalizer while its dependents are deleted (those with
/// dependents of their own in the foreground too); once no dependent with <c>blockOwnerDeletion</c> is left the
/// finalizer goes, and with it the owner. (Background and orphan propagation happen in the registry's delete.)
/// </summary>
public sealed class GarbageCollector(KubernetesRegistry registry, ILogger<GarbageCollector> logger) : BackgroundService
{
    // Owners waiting for their dependents, by uid.
    private readonly ConcurrentDictionary<string, (ResourceType Type, string? Namespace, string Name)> _waiting = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = registry.Store.Subscribe(null);
        foreach (var type in ResourceCatalog.All.Where(t => t.Stored))
        {
            foreach (var item in registry.List(type, null).Items)
                Track(type, item);
        }
        Sweep();
        try
        {
            await foreach (var change in subscription.Changes.ReadAllAsync(stoppingToken))
            {
                if (change.Type != "DELETED")
                    Track(change.Resource, change.Object);
                if (!_waiting.IsEmpty)
                    Sweep();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The stand-in is stopping.
        }
    }

    private void Track(ResourceType type, JsonObject obj)
    {
        if (KubernetesRegistry.IsDeleting(obj) && KubernetesRegistry.Finalizers(obj).Contains(KubernetesRegistry.ForegroundFinalizer))
            _waiting[obj.Uid()] = (type, obj.Namespace(), obj.Name());
    }

    private void Sweep()
    {
        foreach (var (uid, (type, ns, name)) in _waiting.ToList())
        {
            try
            {
                var owner = registry.Find(type, ns, name);
                if (owner is null || owner.Uid() != uid)
                {
                    _waiting.TryRemove(uid, out _);
                    continue;
                }
                var blocking = 0;
                foreach (var (dependentType, dependent) in registry.Store.OwnedBy(uid))
                {
                    var reference = (dependent["metadata"]?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>().First(r => r.String("uid") == uid);
                    if (reference["blockOwnerDeletion"]?.GetValue<bool>() == true)
                        blocking++;
                    if (KubernetesRegistry.IsDeleting(dependent))
                        continue;
                    var hasDependents = registry.Store.OwnedBy(dependent.Uid()).Count > 0;
                    registry.Delete(dependentType, dependent.Namespace(), dependent.Name(), new DeleteOptions { PropagationPolicy = hasDependents ? "Foreground" : "Background" });
                }
                if (blocking == 0)
                {
                    _waiting.TryRemove(uid, out _);
                    registry.RemoveFinalizer(type, ns, name, KubernetesRegistry.ForegroundFinalizer);
                }
            }
            catch (KubernetesApiException gone) when (gone.Code == 404)
            {
                // Something went meanwhile; the next change looks again.
            }
            catch (Exception failed) when (failed is not OperationCanceledException)
            {
                logger.LogWarning(failed, "Foreground deletion of {Type} {Namespace}/{Name} failed; retrying on the next change", type.Kind, ns, name);
            }
        }
    }
}
