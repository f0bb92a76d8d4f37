using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes.Controllers;

/// <summary>
/// The deployment controller: a ReplicaSet per pod template (revision annotations, ownerReferences, orphans adopted),
/// rolling updates bounded by maxSurge and maxUnavailable (or Recreate), counts from the ReplicaSets' pods, and the
/// conditions kubectl's rollout rule reads: Progressing (NewReplicaSetCreated, ReplicaSetUpdated, NewReplicaSetAvailable,
/// ProgressDeadlineExceeded once <c>progressDeadlineSeconds × TimeScale</c> pass without progress), Available and
/// ReplicaFailure.
/// </summary>
public sealed class DeploymentController(KubernetesRegistry registry, KubernetesOptions options, EventRecorder events, ILogger<DeploymentController> logger)
    : ControllerLoop(registry, logger)
{
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    private const string HashLabel = "pod-template-hash";
    private const string Component = "deployment-controller";

    // Zero counts are left out of a status, as Go's omitempty leaves them out.
    private static readonly string[] OmittedWhenZero = ["readyReplicas", "availableReplicas", "unavailableReplicas", "updatedReplicas", "replicas"];

    // When each Deployment generation was first seen, by uid.
    private readonly ConcurrentDictionary<string, (long Generation, DateTimeOffset SeenAt)> _seen = new();

    // The Progressing condition's last update, to the tick: the stored lastUpdateTime keeps whole seconds, too coarse
    // for scaled deadlines. By Deployment uid, with the stamp as stored.
    private readonly ConcurrentDictionary<string, (string Stamp, DateTimeOffset At)> _progressedAt = new();

    protected override ResourceType Primary => ResourceCatalog.Deployments;

    protected override IEnumerable<ObjectKey> Affected(StoreEvent change)
    {
        if (change.Resource == ResourceCatalog.ReplicaSets)
        {
            var owners = OwnerReferences.OwnersOfKind(change, "Deployment").ToList();
            if (owners.Count == 0 && change.Type != "DELETED")
            {
                owners.AddRange(Registry.List(ResourceCatalog.Deployments, change.Namespace).Items
                    .Where(d => LabelSelector.FromObject(d["spec"]?["selector"] as JsonObject).Matches(change.Object))
                    .Select(d => new ObjectKey(d.Namespace(), d.Name())));
            }
            return owners;
        }
        return base.Affected(change);
    }

    protected override Task ReconcileAsync(string? ns, string name, CancellationToken cancellationToken)
    {
        var deployment = Registry.Find(ResourceCatalog.Deployments, ns, name);
        if (deployment is null || KubernetesRegistry.IsDeleting(deployment))
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

        var spec = deployment["spec"] as JsonObject ?? [];
        var template = spec["template"] as JsonObject ?? [];
        var desired = (int)(spec.Number("replicas") ?? 1);
        var paused = spec["paused"]?.GetValue<bool>() == true;
        var selector = LabelSelector.FromObject(spec["selector"] as JsonObject);
        var owned = new List<JsonObject>();
        foreach (var rs in Registry.List(ResourceCatalog.ReplicaSets, ns).Items)
        {
            if (OwnerReferences.IsControlledBy(rs, uid))
                owned.Add(rs);
            else if (OwnerReferences.Controller(rs) is null && selector.Matches(rs) && OwnerReferences.Adopt(Registry, ResourceCatalog.ReplicaSets, rs, deployment) is { } adopted)
                owned.Add(adopted);
        }
        owned = owned.Where(rs => !KubernetesRegistry.IsDeleting(rs)).ToList();
        var maxRevision = owned.Select(Revision).DefaultIfEmpty(0).Max();
        var newRs = owned.FirstOrDefault(rs => SameTemplate(rs["spec"]?["template"] as JsonObject, template));
        string? progressReason = null, progressMessage = null;

        if (paused)
        {
            WriteStatus(deployment, newRs, owned, desired, now, paused: true);
            return Task.CompletedTask;
        }

        if (newRs is null)
        {
            var replicas = Strategy(deployment) == "Recreate" ? 0 : NewReplicas(deployment, owned, null, desired);
            newRs = Registry.Create(ResourceCatalog.ReplicaSets, ns, NewReplicaSet(deployment, template, replicas, maxRevision + 1));
            owned.Add(newRs);
            (progressReason, progressMessage) = ("NewReplicaSetCreated", $"Created new replica set \"{newRs.Name()}\"");
            if (replicas > 0)
                events.Normal(deployment, "ScalingReplicaSet", $"Scaled up replica set {newRs.Name()} from 0 to {replicas}", Component);
        }
        else if (Revision(newRs) < maxRevision)
        {
            // Rolling back to an older template moves that ReplicaSet to the newest revision.
            newRs = Registry.Mutate(ResourceCatalog.ReplicaSets, ns, newRs.Name(), statusOnly: false, rs =>
            {
                var history = rs.Annotation("deployment.kubernetes.io/revision-history");
                var old = Revision(rs).ToString(CultureInfo.InvariantCulture);
                rs.SetAnnotation("deployment.kubernetes.io/revision-history", history is null ? old : $"{history},{old}");
                rs.SetAnnotation(RevisionAnnotation, (maxRevision + 1).ToString(CultureInfo.InvariantCulture));
            });
            owned = owned.Select(rs => rs.Uid() == newRs.Uid() ? newRs : rs).ToList();
            (progressReason, progressMessage) = ("FoundNewReplicaSet", $"Found new replica set \"{newRs.Name()}\"");
        }

        var revision = Revision(newRs).ToString(CultureInfo.InvariantCulture);
        if (deployment.Annotation(RevisionAnnotation) != revision)
            deployment = Registry.Mutate(ResourceCatalog.Deployments, ns, name, statusOnly: false, d => d.SetAnnotation(RevisionAnnotation, revision));

        owned = Strategy(deployment) == "Recreate"
            ? Recreate(deployment, newRs, owned, desired)
            : RollingUpdate(deployment, newRs, owned, desired);
        newRs = owned.First(rs => rs.Uid() == newRs.Uid());
        PruneHistory(deployment, owned.Where(rs => rs.Uid() != newRs.Uid()).ToList());

        var deadline = WriteStatus(deployment, newRs, owned, desired, now, paused: false, progressReason, progressMessage);
        if (deadline is { } at && at > now)
            RequeueAfter(key, at - now, cancellationToken);
        return Task.CompletedTask;
    }

    // maxSurge above and maxUnavailable below the desired count bound each step, as the real rolling updater does.
    private List<JsonObject> RollingUpdate(JsonObject deployment, JsonObject newRs, List<JsonObject> owned, int desired)
    {
        var target = NewReplicas(deployment, owned, newRs, desired);
        if (target != Replicas(newRs))
            owned = Scale(deployment, owned, newRs, target);
        newRs = owned.First(rs => rs.Uid() == newRs.Uid());

        var old = owned.Where(rs => rs.Uid() != newRs.Uid()).ToList();
        if (old.Sum(Replicas) == 0)
            return owned;
        var (_, maxUnavailable) = SurgeAndUnavailable(deployment, desired);
        var minAvailable = desired - maxUnavailable;
        var allPods = owned.Sum(Replicas);
        var newUnavailable = Replicas(newRs) - Available(newRs);
        var maxScaledDown = allPods - minAvailable - newUnavailable;
        if (maxScaledDown <= 0)
            return owned;
        // Old pods that are not available go first; then available ones, oldest ReplicaSet first, down to minAvailable.
        foreach (var rs in old.OrderBy(Revision).ToList())
        {
            var unhealthy = Replicas(rs) - Available(rs);
            var down = Math.Min(unhealthy, maxScaledDown);
            if (down <= 0)
                continue;
            owned = Scale(deployment, owned, rs, Replicas(rs) - down);
            maxScaledDown -= down;
        }
        var availablePods = owned.Sum(Available);
        var room = availablePods - minAvailable;
        foreach (var rs in owned.Where(rs => rs.Uid() != newRs.Uid()).OrderBy(Revision).ToList())
        {
            if (room <= 0)
                break;
            var current = owned.First(o => o.Uid() == rs.Uid());
            var down = Math.Min(Replicas(current), room);
            if (down <= 0)
                continue;
            owned = Scale(deployment, owned, current, Replicas(current) - down);
            room -= down;
        }
        return owned;
    }

    // Recreate: every old pod goes first; the new ReplicaSet scales up once none is left.
    private List<JsonObject> Recreate(JsonObject deployment, JsonObject newRs, List<JsonObject> owned, int desired)
    {
        foreach (var rs in owned.Where(rs => rs.Uid() != newRs.Uid() && Replicas(rs) > 0).ToList())
            owned = Scale(deployment, owned, rs, 0);
        var oldPods = owned.Where(rs => rs.Uid() != newRs.Uid()).Sum(rs => rs["status"].Number("replicas") ?? 0);
        var pods = Registry.List(ResourceCatalog.Pods, deployment.Namespace()).Items
            .Count(p => owned.Any(rs => rs.Uid() != newRs.Uid() && OwnerReferences.IsControlledBy(p, rs.Uid())));
        if (oldPods == 0 && pods == 0 && Replicas(newRs) != desired)
            owned = Scale(deployment, owned, newRs, desired);
        return owned;
    }

    private static int NewReplicas(JsonObject deployment, List<JsonObject> owned, JsonObject? newRs, int desired)
    {
        var current = newRs is null ? 0 : Replicas(newRs);
        if (current >= desired)
            return desired;
        var (maxSurge, _) = SurgeAndUnavailable(deployment, desired);
        var maxTotal = desired + maxSurge;
        var total = owned.Sum(Replicas);
        if (total >= maxTotal)
            return current;
        return current + Math.Min(maxTotal - total, desired - current);
    }

    private List<JsonObject> Scale(JsonObject deployment, List<JsonObject> owned, JsonObject rs, int replicas)
    {
        var before = Replicas(rs);
        var desired = (int)(deployment["spec"].Number("replicas") ?? 1);
        var scaled = Registry.Mutate(ResourceCatalog.ReplicaSets, rs.Namespace(), rs.Name(), statusOnly: false, r =>
        {
            r["spec"]!["replicas"] = replicas;
            r.SetAnnotation("deployment.kubernetes.io/desired-replicas", desired.ToString(CultureInfo.InvariantCulture));
            r.SetAnnotation("deployment.kubernetes.io/max-replicas", (desired + SurgeAndUnavailable(deployment, desired).Surge).ToString(CultureInfo.InvariantCulture));
        });
        events.Normal(deployment, "ScalingReplicaSet", $"Scaled {(replicas > before ? "up" : "down")} replica set {rs.Name()} from {before} to {replicas}", Component);
        return owned.Select(o => o.Uid() == scaled.Uid() ? scaled : o).ToList();
    }

    // Writes the status as calculateStatus and syncRolloutStatus do; returns when the progress deadline would pass.
    private DateTimeOffset? WriteStatus(JsonObject deployment, JsonObject? newRs, List<JsonObject> owned, int desired, DateTimeOffset now, bool paused, string? progressReason = null, string? progressMessage = null)
    {
        DateTimeOffset? deadline = null;
        var totalSpec = owned.Sum(Replicas);
        var available = owned.Sum(Available);
        Registry.Mutate(ResourceCatalog.Deployments, deployment.Namespace(), deployment.Name(), statusOnly: true, d =>
        {
            var old = d["status"] as JsonObject ?? [];
            var status = new JsonObject
            {
                ["observedGeneration"] = d.Generation(),
                ["replicas"] = owned.Sum(rs => rs["status"].Number("replicas") ?? 0),
                ["updatedReplicas"] = newRs?["status"].Number("replicas") ?? 0,
                ["readyReplicas"] = owned.Sum(rs => rs["status"].Number("readyReplicas") ?? 0),
                ["availableReplicas"] = available,
                ["unavailableReplicas"] = Math.Max(0, totalSpec - available),
                ["conditions"] = old["conditions"]?.DeepClone() ?? new JsonArray(),
            };
            var (_, maxUnavailable) = SurgeAndUnavailable(d, desired);
            var minimum = available >= desired - maxUnavailable;
            _ = SetCondition(status, "Available", minimum ? "True" : "False",
                minimum ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                minimum ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", now);

            var rsName = newRs?.Name();
            var current = Condition(status, "Progressing");
            var progressUpdated = false;
            void Progress(string statusText, string reason, string message, bool touch = false) =>
                progressUpdated |= SetCondition(status, "Progressing", statusText, reason, message, now, touch);
            if (current is null && progressReason is null && newRs is not null && !paused)
                (progressReason, progressMessage) = ("FoundNewReplicaSet", $"Found new replica set \"{rsName}\"");
            if (paused)
                Progress("Unknown", "DeploymentPaused", "Deployment is paused");
            else if (progressReason is not null)
                Progress("True", progressReason, progressMessage!);
            else if (current?.String("reason") == "DeploymentPaused")
                Progress("Unknown", "DeploymentResumed", "Deployment is resumed");

            var complete = status.Number("updatedReplicas") == desired && status.Number("replicas") == desired && available == desired;
            var alreadyComplete = status.Number("replicas") == status.Number("updatedReplicas") && Condition(status, "Progressing")?.String("reason") == "NewReplicaSetAvailable";
            if (!paused && !alreadyComplete)
            {
                var progressed = status.Number("updatedReplicas") > (old.Number("updatedReplicas") ?? 0)
                                 || (status.Number("replicas") - status.Number("updatedReplicas")) < ((old.Number("replicas") ?? 0) - (old.Number("updatedReplicas") ?? 0))
                                 || status.Number("readyReplicas") > (old.Number("readyReplicas") ?? 0)
                                 || available > (old.Number("availableReplicas") ?? 0);
                var condition = Condition(status, "Progressing");
                var seconds = d["spec"].Number("progressDeadlineSeconds") ?? 600;
                if (complete)
                    Progress("True", "NewReplicaSetAvailable", $"ReplicaSet \"{rsName}\" has successfully progressed.");
                else if (progressed || progressReason is not null)
                {
                    if (progressReason is null)
                        Progress("True", "ReplicaSetUpdated", $"ReplicaSet \"{rsName}\" is progressing.", touch: true);
                    deadline = now + options.Scaled(seconds);
                }
                else if (condition?.String("reason") != "ProgressDeadlineExceeded")
                {
                    var stamp = condition?.String("lastUpdateTime");
                    var since = _progressedAt.TryGetValue(d.Uid(), out var precise) && precise.Stamp == stamp ? precise.At : ObjectMeta.ParseTimestamp(stamp) ?? now;
                    if (now >= since + options.Scaled(seconds))
                        Progress("False", "ProgressDeadlineExceeded", $"ReplicaSet \"{rsName}\" has timed out progressing.");
                    else
                        deadline = since + options.Scaled(seconds);
                }
            }

            // A ReplicaSet that cannot create pods shows on its Deployment.
            var failure = owned.SelectMany(rs => (rs["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>()).FirstOrDefault(c => c.String("type") == "ReplicaFailure" && c.String("status") == "True");
            if (failure is not null)
                _ = SetCondition(status, "ReplicaFailure", "True", failure.String("reason") ?? "FailedCreate", failure.String("message") ?? "", now);
            else if (status["conditions"] is JsonArray conditions && conditions.OfType<JsonObject>().FirstOrDefault(c => c.String("type") == "ReplicaFailure") is { } stale)
                conditions.Remove(stale);

            foreach (var empty in OmittedWhenZero)
            {
                if (status.Number(empty) == 0)
                    status.Remove(empty);
            }
            if (progressUpdated)
                _progressedAt[d.Uid()] = (ObjectMeta.Timestamp(now), now);
            d["status"] = status;
        });
        return deadline;
    }

    private static int Replicas(JsonObject rs) => (int)(rs["spec"].Number("replicas") ?? 0);

    private static int Available(JsonObject rs) => (int)(rs["status"].Number("availableReplicas") ?? 0);

    private static string Strategy(JsonObject deployment) => deployment["spec"]?["strategy"].String("type") ?? "RollingUpdate";

    // maxSurge rounds up and maxUnavailable down; both zero would deadlock, so maxUnavailable becomes 1.
    private static (int Surge, int Unavailable) SurgeAndUnavailable(JsonObject deployment, int desired)
    {
        if (Strategy(deployment) == "Recreate")
            return (0, desired);
        var rolling = deployment["spec"]?["strategy"]?["rollingUpdate"];
        var surge = Resolve(rolling?["maxSurge"] ?? "25%", desired, roundUp: true);
        var unavailable = Resolve(rolling?["maxUnavailable"] ?? "25%", desired, roundUp: false);
        if (surge == 0 && unavailable == 0)
            unavailable = 1;
        return (surge, unavailable);
    }

    private static int Resolve(JsonNode value, int desired, bool roundUp)
    {
        var text = value.ToString();
        if (!text.EndsWith('%'))
            return int.Parse(text, CultureInfo.InvariantCulture);
        var exact = desired * double.Parse(text.TrimEnd('%'), CultureInfo.InvariantCulture) / 100;
        return (int)(roundUp ? Math.Ceiling(exact) : Math.Floor(exact));
    }

    // Keeps spec.revisionHistoryLimit scaled-down old ReplicaSets, oldest removed first.
    private void PruneHistory(JsonObject deployment, List<JsonObject> oldReplicaSets)
    {
        var limit = deployment["spec"].Number("revisionHistoryLimit") ?? 10;
        var idle = oldReplicaSets.Where(rs => Replicas(rs) == 0 && (rs["status"].Number("replicas") ?? 0) == 0).OrderBy(Revision).ToList();
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
        var desired = (int)(deployment["spec"].Number("replicas") ?? 1);
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
                    ["deployment.kubernetes.io/desired-replicas"] = desired.ToString(CultureInfo.InvariantCulture),
                    ["deployment.kubernetes.io/max-replicas"] = (desired + SurgeAndUnavailable(deployment, desired).Surge).ToString(CultureInfo.InvariantCulture),
                    [RevisionAnnotation] = revision.ToString(CultureInfo.InvariantCulture),
                },
                ["ownerReferences"] = new JsonArray(OwnerReferences.ControllerOf(deployment)),
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

    private static JsonObject? Condition(JsonObject status, string type) =>
        (status["conditions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => c.String("type") == type);

    // lastTransitionTime moves when the status flips; lastUpdateTime when anything changes, and on progress (touch).
    private static bool SetCondition(JsonObject status, string type, string statusText, string reason, string message, DateTimeOffset now, bool touch = false)
    {
        var conditions = status["conditions"] as JsonArray ?? [];
        status["conditions"] = conditions;
        var existing = Condition(status, type);
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
            return true;
        }
        if (existing.String("status") == statusText && existing.String("reason") == reason && existing.String("message") == message && !touch)
            return false;
        if (existing.String("status") != statusText)
            existing["lastTransitionTime"] = stamp;
        existing["status"] = statusText;
        existing["lastUpdateTime"] = stamp;
        existing["reason"] = reason;
        existing["message"] = message;
        return true;
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
}
