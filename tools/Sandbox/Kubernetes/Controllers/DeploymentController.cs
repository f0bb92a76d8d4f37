using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes.Controllers;

/// <summary>
/// The deployment controller with imaginary pods: a ReplicaSet per pod template (revision annotations, ownerReferences),
/// new pods ready after <see cref="KubernetesOptions.PodStartDelay"/> unless their image is unpullable, old ReplicaSets
/// scaled down once the new one is available, and the status and conditions a real controller writes.
/// </summary>
public sealed class DeploymentController(KubernetesRegistry registry, KubernetesOptions options, ILogger<DeploymentController> logger)
    : ControllerLoop(registry, logger)
{
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    private const string HashLabel = "pod-template-hash";

    // Zero counts are left out of a status, as Go's omitempty leaves them out.
    private static readonly string[] OmittedWhenZero = ["readyReplicas", "availableReplicas", "unavailableReplicas", "updatedReplicas", "fullyLabeledReplicas"];

    // When each Deployment generation was first seen, and when each ReplicaSet last started pods, by uid.
    private readonly ConcurrentDictionary<string, (long Generation, DateTimeOffset SeenAt)> _seen = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _podsStartedAt = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _progressSince = new();

    protected override ResourceType Primary => ResourceCatalog.Deployments;

    protected override IEnumerable<ObjectKey> Affected(StoreEvent change) =>
        change.Resource == ResourceCatalog.ReplicaSets
            ? (change.Object["metadata"]?["ownerReferences"] as JsonArray ?? [])
                .Where(r => r.String("kind") == "Deployment")
                .Select(r => new ObjectKey(change.Namespace, r.String("name") ?? ""))
            : base.Affected(change);

    protected override Task ReconcileAsync(string? ns, string name, CancellationToken cancellationToken)
    {
        var deployment = Registry.Find(ResourceCatalog.Deployments, ns, name);
        if (deployment is null)
            return Task.CompletedTask;
        var key = new ObjectKey(ns, name);
        var now = DateTimeOffset.UtcNow;
        var uid = deployment.Uid();

        // A spec change is observed a little later, as a real controller's watch and queue make it.
        var generation = deployment.Generation();
        var seen = _seen.AddOrUpdate(uid, _ => (generation, now), (_, old) => old.Generation == generation ? old : (generation, now));
        var observeAt = seen.SeenAt + options.ObserveDelay;
        if (generation > (deployment["status"].Number("observedGeneration") ?? 0) && now < observeAt)
        {
            RequeueAfter(key, observeAt - now, cancellationToken);
            return Task.CompletedTask;
        }

        var template = deployment["spec"]?["template"] as JsonObject ?? [];
        var desired = (int)(deployment["spec"].Number("replicas") ?? 1);
        var owned = Registry.List(ResourceCatalog.ReplicaSets, ns).Items.Where(rs => IsControlledBy(rs, uid)).ToList();
        var maxRevision = owned.Select(Revision).DefaultIfEmpty(0).Max();
        var newRs = owned.FirstOrDefault(rs => SameTemplate(rs["spec"]?["template"] as JsonObject, template));

        if (newRs is null)
        {
            newRs = Registry.Create(ResourceCatalog.ReplicaSets, ns, NewReplicaSet(deployment, template, desired, maxRevision + 1));
            _podsStartedAt[newRs.Uid()] = now;
            _progressSince[uid] = now;
            owned.Add(newRs);
        }
        else if (Revision(newRs) < maxRevision || (newRs["spec"].Number("replicas") ?? 0) != desired)
        {
            var revived = Revision(newRs) < maxRevision;
            var previousReplicas = newRs["spec"].Number("replicas") ?? 0;
            newRs = Registry.Mutate(ResourceCatalog.ReplicaSets, ns, newRs.Name(), statusOnly: false, rs =>
            {
                if (revived)
                {
                    // Rolling back to an older template moves that ReplicaSet to the newest revision.
                    var history = rs.Annotation("deployment.kubernetes.io/revision-history");
                    var old = Revision(rs).ToString(CultureInfo.InvariantCulture);
                    rs.SetAnnotation("deployment.kubernetes.io/revision-history", history is null ? old : $"{history},{old}");
                    rs.SetAnnotation(RevisionAnnotation, (maxRevision + 1).ToString(CultureInfo.InvariantCulture));
                }
                rs["spec"]!["replicas"] = desired;
                rs.SetAnnotation("deployment.kubernetes.io/desired-replicas", desired.ToString(CultureInfo.InvariantCulture));
            });
            if (revived || desired > previousReplicas)
            {
                _podsStartedAt[newRs.Uid()] = now;
                _progressSince[uid] = now;
            }
            owned = owned.Select(rs => rs.Uid() == newRs.Uid() ? newRs : rs).ToList();
        }

        var revision = Revision(newRs).ToString(CultureInfo.InvariantCulture);
        if (deployment.Annotation(RevisionAnnotation) != revision)
            deployment = Registry.Mutate(ResourceCatalog.Deployments, ns, name, statusOnly: false, d => d.SetAnnotation(RevisionAnnotation, revision));

        // The imaginary pods of the new ReplicaSet.
        var pullable = !PodRules.AnyUnpullable(template["spec"] as JsonObject);
        var startedAt = _podsStartedAt.GetOrAdd(newRs.Uid(), now);
        var readyAt = startedAt + options.PodStartDelay;
        // Pods already ready stay ready; the rest become ready once started.
        var alreadyReady = (int)Math.Min(desired, newRs["status"].Number("readyReplicas") ?? 0);
        var newReady = !pullable ? 0 : now >= readyAt ? desired : alreadyReady;
        newRs = WriteReplicaSetStatus(newRs, desired, newReady);

        // Old ReplicaSets keep serving until the new one is fully available, then go to zero.
        var oldReplicaSets = owned.Where(rs => rs.Uid() != newRs.Uid()).ToList();
        var rolledOver = newReady >= desired;
        var oldTotals = (Replicas: 0L, Ready: 0L);
        foreach (var old in oldReplicaSets)
        {
            var replicas = old["spec"].Number("replicas") ?? 0;
            if (rolledOver && replicas > 0)
            {
                Registry.Mutate(ResourceCatalog.ReplicaSets, ns, old.Name(), statusOnly: false, rs => rs["spec"]!["replicas"] = 0);
                replicas = 0;
            }
            // An old ReplicaSet's pods are as ready as its status last said (all of them before its first status).
            var ready = Math.Min(old["status"] is null ? replicas : old["status"].Number("readyReplicas") ?? 0, replicas);
            WriteReplicaSetStatus(Registry.Get(ResourceCatalog.ReplicaSets, ns, old.Name()), (int)replicas, (int)ready);
            oldTotals = (oldTotals.Replicas + replicas, oldTotals.Ready + ready);
        }
        PruneHistory(deployment, oldReplicaSets);

        var totalReplicas = desired + oldTotals.Replicas;
        var available = newReady + oldTotals.Ready;
        var complete = newReady >= desired && oldTotals.Replicas == 0;
        var deadline = _progressSince.GetOrAdd(uid, now) + options.Scaled(deployment["spec"].Number("progressDeadlineSeconds") ?? 600);
        var timedOut = !complete && now >= deadline;

        Registry.Mutate(ResourceCatalog.Deployments, ns, name, statusOnly: true, d =>
        {
            var status = d.Child("status");
            status["observedGeneration"] = generation;
            status["replicas"] = totalReplicas;
            status["updatedReplicas"] = desired;
            status["readyReplicas"] = available;
            status["availableReplicas"] = available;
            status["unavailableReplicas"] = Math.Max(0, totalReplicas - available);
            foreach (var empty in OmittedWhenZero)
            {
                if (status.Number(empty) == 0)
                    status.Remove(empty);
            }
            var minAvailable = desired - MaxUnavailable(d, desired);
            SetCondition(status, "Available", available >= minAvailable,
                available >= minAvailable ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                available >= minAvailable ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", now);
            var rsName = newRs.Name();
            var (progressing, reason, message) = complete
                ? (true, "NewReplicaSetAvailable", $"ReplicaSet \"{rsName}\" has successfully progressed.")
                : timedOut
                    ? (false, "ProgressDeadlineExceeded", $"ReplicaSet \"{rsName}\" has timed out progressing.")
                    : (true, "ReplicaSetUpdated", $"ReplicaSet \"{rsName}\" is progressing.");
            SetCondition(status, "Progressing", progressing, reason, message, now);
        });

        if (!complete && !timedOut)
            RequeueAfter(key, (pullable && readyAt > now ? Min(readyAt, deadline) : deadline) - now, cancellationToken);
        return Task.CompletedTask;
    }

    private JsonObject WriteReplicaSetStatus(JsonObject rs, int replicas, int ready) =>
        Registry.Mutate(ResourceCatalog.ReplicaSets, rs.Namespace(), rs.Name(), statusOnly: true, r =>
        {
            var status = new JsonObject
            {
                ["replicas"] = replicas,
                ["fullyLabeledReplicas"] = replicas,
                ["readyReplicas"] = ready,
                ["availableReplicas"] = ready,
                ["observedGeneration"] = r.Generation(),
            };
            foreach (var empty in OmittedWhenZero)
            {
                if (status.Number(empty) == 0)
                    status.Remove(empty);
            }
            r["status"] = status;
        });

    // Keeps spec.revisionHistoryLimit scaled-down old ReplicaSets, oldest removed first.
    private void PruneHistory(JsonObject deployment, List<JsonObject> oldReplicaSets)
    {
        var limit = deployment["spec"].Number("revisionHistoryLimit") ?? 10;
        var idle = oldReplicaSets.Where(rs => (rs["spec"].Number("replicas") ?? 0) == 0).OrderBy(Revision).ToList();
        foreach (var rs in idle.Take(Math.Max(0, idle.Count - (int)limit)))
            Registry.Delete(ResourceCatalog.ReplicaSets, rs.Namespace(), rs.Name());
    }

    private static JsonObject NewReplicaSet(JsonObject deployment, JsonObject template, int replicas, long revision)
    {
        var hash = TemplateHash(template);
        var rsTemplate = template.DeepClone().AsObject();
        rsTemplate.Child("metadata").Child("labels")[HashLabel] = hash;
        var selector = deployment["spec"]?["selector"]?.DeepClone().AsObject() ?? [];
        selector.Child("matchLabels")[HashLabel] = hash;
        var labels = template["metadata"]?["labels"]?.DeepClone().AsObject() ?? [];
        labels[HashLabel] = hash;
        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ReplicaSet",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{deployment.Name()}-{hash}",
                ["namespace"] = deployment.Namespace(),
                ["labels"] = labels,
                ["annotations"] = new JsonObject
                {
                    ["deployment.kubernetes.io/desired-replicas"] = replicas.ToString(CultureInfo.InvariantCulture),
                    ["deployment.kubernetes.io/max-replicas"] = (replicas + 1).ToString(CultureInfo.InvariantCulture),
                    [RevisionAnnotation] = revision.ToString(CultureInfo.InvariantCulture),
                },
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = "apps/v1",
                    ["kind"] = "Deployment",
                    ["name"] = deployment.Name(),
                    ["uid"] = deployment.Uid(),
                    ["controller"] = true,
                    ["blockOwnerDeletion"] = true,
                }),
            },
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["minReadySeconds"] = deployment["spec"].Number("minReadySeconds") ?? 0,
                ["selector"] = selector,
                ["template"] = rsTemplate,
            },
        };
    }

    private static bool IsControlledBy(JsonObject obj, string ownerUid) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray ?? []).Any(r => r.String("uid") == ownerUid && r?["controller"]?.GetValue<bool>() == true);

    private static bool SameTemplate(JsonObject? rsTemplate, JsonObject template)
    {
        if (rsTemplate is null)
            return false;
        var copy = rsTemplate.DeepClone().AsObject();
        if (copy["metadata"]?["labels"] is JsonObject labels)
            labels.Remove(HashLabel);
        return JsonNode.DeepEquals(copy, template);
    }

    private static long Revision(JsonObject rs) =>
        long.TryParse(rs.Annotation(RevisionAnnotation), NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : 0;

    // maxUnavailable as a count: an absolute number or a percentage of the desired replicas, rounded down.
    private static int MaxUnavailable(JsonObject deployment, int desired)
    {
        var value = deployment["spec"]?["strategy"]?["rollingUpdate"]?["maxUnavailable"];
        if (value is null)
            return deployment["spec"]?["strategy"].String("type") == "Recreate" ? desired : 0;
        var text = value.ToString();
        return text.EndsWith('%')
            ? (int)Math.Floor(desired * double.Parse(text.TrimEnd('%'), CultureInfo.InvariantCulture) / 100)
            : int.Parse(text, CultureInfo.InvariantCulture);
    }

    // A condition's lastTransitionTime moves when its status flips, lastUpdateTime when anything about it changes.
    private static void SetCondition(JsonObject status, string type, bool isTrue, string reason, string message, DateTimeOffset now)
    {
        var conditions = status["conditions"] as JsonArray ?? [];
        status["conditions"] = conditions;
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => c.String("type") == type);
        var statusText = isTrue ? "True" : "False";
        var stamp = ObjectMeta.Timestamp(now);
        if (existing is null)
        {
            conditions.Add(new JsonObject
            {
                ["type"] = type,
                ["status"] = statusText,
                ["lastUpdateTime"] = stamp,
                ["lastTransitionTime"] = stamp,
                ["reason"] = reason,
                ["message"] = message,
            });
            return;
        }
        if (existing.String("status") == statusText && existing.String("reason") == reason && existing.String("message") == message)
            return;
        if (existing.String("status") != statusText)
            existing["lastTransitionTime"] = stamp;
        existing["status"] = statusText;
        existing["lastUpdateTime"] = stamp;
        existing["reason"] = reason;
        existing["message"] = message;
    }

    // FNV-1a of the template, spelled in the alphabet Kubernetes uses for generated names.
    private static string TemplateHash(JsonObject template)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(template.ToJsonString()))
            hash = (hash ^ b) * 16777619u;
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Concat(hash.ToString(CultureInfo.InvariantCulture).Select(c => alphabet[c % alphabet.Length]));
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
