using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes.Controllers;

/// <summary>
/// The replica set controller: keeps <c>spec.replicas</c> pods of the template (named <c>&lt;rs&gt;-&lt;5 chars&gt;</c>,
/// owned by the ReplicaSet, orphans matching the selector adopted), removes the surplus (not ready and newest first),
/// and reports replicas, fully labelled, ready and available (ready for <c>minReadySeconds</c>) pods; a pod that
/// cannot be created (its ServiceAccount is missing, say) shows as the ReplicaFailure condition.
/// </summary>
public sealed class ReplicaSetController(KubernetesRegistry registry, KubernetesOptions options, EventRecorder events, ILogger<ReplicaSetController> logger)
    : ControllerLoop(registry, logger)
{
    private const string Component = "replicaset-controller";

    // Zero counts are left out of a status, as Go's omitempty leaves them out (replicas is always written).
    private static readonly string[] OmittedWhenZero = ["readyReplicas", "availableReplicas", "fullyLabeledReplicas"];

    // Consecutive failed pod creations per ReplicaSet uid, for the retry back-off.
    private readonly ConcurrentDictionary<string, int> _createFailures = new();

    protected override ResourceType Primary => ResourceCatalog.ReplicaSets;

    protected override IEnumerable<ObjectKey> Affected(StoreEvent change)
    {
        if (change.Resource == ResourceCatalog.Pods)
        {
            var owners = OwnerReferences.OwnersOfKind(change, "ReplicaSet").ToList();
            // An orphan pod may be adopted by a ReplicaSet whose selector picks it.
            if (owners.Count == 0 && change.Type != "DELETED")
            {
                owners.AddRange(Registry.List(ResourceCatalog.ReplicaSets, change.Namespace).Items
                    .Where(rs => LabelSelector.FromObject(rs["spec"]?["selector"] as JsonObject).Matches(change.Object))
                    .Select(rs => new ObjectKey(rs.Namespace(), rs.Name())));
            }
            return owners;
        }
        // A ServiceAccount that appears may let pods be created.
        if (change.Resource == ResourceCatalog.ServiceAccounts)
            return Registry.List(ResourceCatalog.ReplicaSets, change.Namespace).Items.Select(rs => new ObjectKey(rs.Namespace(), rs.Name()));
        return base.Affected(change);
    }

    protected override Task ReconcileAsync(string? ns, string name, CancellationToken cancellationToken)
    {
        var rs = Registry.Find(ResourceCatalog.ReplicaSets, ns, name);
        if (rs is null || KubernetesRegistry.IsDeleting(rs))
            return Task.CompletedTask;
        var key = new ObjectKey(ns, name);
        var now = DateTimeOffset.UtcNow;
        var selector = LabelSelector.FromObject(rs["spec"]?["selector"] as JsonObject);
        var pods = Registry.List(ResourceCatalog.Pods, ns).Items;
        var owned = new List<JsonObject>();
        foreach (var pod in pods)
        {
            if (OwnerReferences.IsControlledBy(pod, rs.Uid()))
                owned.Add(pod);
            else if (OwnerReferences.Controller(pod) is null && selector.Matches(pod) && OwnerReferences.Adopt(Registry, ResourceCatalog.Pods, pod, rs) is { } adopted)
                owned.Add(adopted);
        }
        var active = owned.Where(p => !KubernetesRegistry.IsDeleting(p) && p["status"].String("phase") is not ("Succeeded" or "Failed")).ToList();
        var desired = (int)(rs["spec"].Number("replicas") ?? 1);
        string? failure = null;
        if (active.Count < desired)
        {
            var failures = _createFailures.GetValueOrDefault(rs.Uid());
            for (var i = active.Count; i < desired; i++)
            {
                try
                {
                    var created = Registry.Create(ResourceCatalog.Pods, ns, NewPod(rs));
                    active.Add(created);
                    events.Normal(rs, "SuccessfulCreate", $"Created pod: {created.Name()}", Component);
                    _createFailures.TryRemove(rs.Uid(), out _);
                }
                catch (KubernetesApiException refused) when (refused.Code is 403 or 422 or 409)
                {
                    failure = refused.Message;
                    events.Warning(rs, "FailedCreate", $"Error creating: {refused.Message}", Component);
                    _createFailures[rs.Uid()] = failures + 1;
                    RequeueAfter(key, options.Backoff(failures + 1, 1, 60), cancellationToken);
                    break;
                }
            }
        }
        else if (active.Count > desired)
        {
            foreach (var surplus in active.OrderBy(DeletionRank).ThenByDescending(p => p["metadata"].String("creationTimestamp"), StringComparer.Ordinal).Take(active.Count - desired).ToList())
            {
                Registry.Delete(ResourceCatalog.Pods, ns, surplus.Name());
                active.Remove(surplus);
                events.Normal(rs, "SuccessfulDelete", $"Deleted pod: {surplus.Name()}", Component);
            }
        }

        var minReady = options.Scaled(rs["spec"].Number("minReadySeconds") ?? 0);
        var ready = active.Where(IsReady).ToList();
        var available = ready.Where(p => ReadySince(p) + minReady <= now).ToList();
        var notYet = ready.Except(available).Select(p => ReadySince(p) + minReady).DefaultIfEmpty().Min();
        if (notYet > now)
            RequeueAfter(key, notYet - now, cancellationToken);

        Registry.Mutate(ResourceCatalog.ReplicaSets, ns, name, statusOnly: true, r =>
        {
            var status = new JsonObject
            {
                ["replicas"] = active.Count,
                ["fullyLabeledReplicas"] = active.Count(p => LabelSelector.LabelsOf(p).Count >= LabelSelector.LabelsOf(r["spec"]?["template"] as JsonObject ?? []).Count),
                ["readyReplicas"] = ready.Count,
                ["availableReplicas"] = available.Count,
                ["observedGeneration"] = r.Generation(),
            };
            foreach (var empty in OmittedWhenZero)
            {
                if (status.Number(empty) == 0)
                    status.Remove(empty);
            }
            if (failure is not null)
            {
                status["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "ReplicaFailure",
                    ["status"] = "True",
                    ["lastTransitionTime"] = (r["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c.String("type") == "ReplicaFailure")?["lastTransitionTime"]?.DeepClone() ?? ObjectMeta.Timestamp(now),
                    ["reason"] = "FailedCreate",
                    ["message"] = failure,
                });
            }
            r["status"] = status;
        });
        return Task.CompletedTask;
    }

    /// <summary>True when the pod's Ready condition is True.</summary>
    public static bool IsReady(JsonObject pod) =>
        (pod["status"]?["conditions"] as JsonArray ?? []).Any(c => c.String("type") == "Ready" && c.String("status") == "True");

    private static DateTimeOffset ReadySince(JsonObject pod) =>
        ObjectMeta.ParseTimestamp((pod["status"]?["conditions"] as JsonArray ?? []).FirstOrDefault(c => c.String("type") == "Ready").String("lastTransitionTime")) ?? DateTimeOffset.UtcNow;

    // Which pods go first on a scale-down: unscheduled, then pending, then not ready, then ready.
    private static int DeletionRank(JsonObject pod)
    {
        if (string.IsNullOrEmpty(pod["spec"].String("nodeName")))
            return 0;
        if (pod["status"].String("phase") == "Pending")
            return 1;
        return IsReady(pod) ? 3 : 2;
    }

    private static JsonObject NewPod(JsonObject rs)
    {
        var template = rs["spec"]?["template"] as JsonObject ?? [];
        var metadata = template["metadata"]?.DeepClone().AsObject() ?? [];
        metadata.Remove("creationTimestamp");
        metadata["generateName"] = rs.Name() + "-";
        metadata["namespace"] = rs.Namespace();
        metadata["ownerReferences"] = new JsonArray(OwnerReferences.ControllerOf(rs));
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = template["spec"]?.DeepClone(),
        };
    }
}
