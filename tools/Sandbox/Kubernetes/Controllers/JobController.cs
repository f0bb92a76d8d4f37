using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Mlops.Sandbox.Kubernetes.Pods;

namespace Mlops.Sandbox.Kubernetes.Controllers;

/// <summary>
/// The job controller: pods named <c>&lt;job&gt;-&lt;5 chars&gt;</c> from the template (owned by the Job, carrying the
/// <c>batch.kubernetes.io/job-tracking</c> finalizer until counted), up to <c>parallelism</c> at a time until
/// <c>completions</c> succeeded; failed pods (and container restarts under OnFailure) count against
/// <c>backoffLimit</c>, new pods after a failure wait the controller's back-off, and the Job ends Complete, or Failed
/// with BackoffLimitExceeded or DeadlineExceeded (<c>activeDeadlineSeconds × TimeScale</c>); finished Jobs are
/// removed after <c>ttlSecondsAfterFinished</c>.
/// </summary>
public sealed class JobController(KubernetesRegistry registry, KubernetesOptions options, EventRecorder events, Kubelet kubelet, ILogger<JobController> logger)
    : ControllerLoop(registry, logger)
{
    public const string TrackingFinalizer = "batch.kubernetes.io/job-tracking";
    private const string Component = "job-controller";

    // When each Job last saw a pod fail, by uid: new pods wait the back-off from then.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastFailure = new();

    // When each Job started, to the tick: status.startTime keeps whole seconds, too coarse for scaled deadlines.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _startedAt = new();

    protected override ResourceType Primary => ResourceCatalog.Jobs;

    protected override IEnumerable<ObjectKey> Affected(StoreEvent change)
    {
        if (change.Resource == ResourceCatalog.Pods)
        {
            var owners = OwnerReferences.OwnersOfKind(change, "Job").ToList();
            if (owners.Count == 0 && change.Object.Metadata()["labels"]?["batch.kubernetes.io/job-name"] is { } jobName)
                owners.Add(new ObjectKey(change.Namespace, jobName.ToString()));
            return owners;
        }
        if (change.Resource == ResourceCatalog.ServiceAccounts)
            return Registry.List(ResourceCatalog.Jobs, change.Namespace).Items.Select(j => new ObjectKey(j.Namespace(), j.Name()));
        return base.Affected(change);
    }

    protected override Task ReconcileAsync(string? ns, string name, CancellationToken cancellationToken)
    {
        var job = Registry.Find(ResourceCatalog.Jobs, ns, name);
        var pods = Registry.List(ResourceCatalog.Pods, ns).Items;
        // Pods of a Job that is gone (or replaced) lose the tracking finalizer, so their deletion can finish.
        foreach (var orphan in pods.Where(p => p["metadata"]?["labels"]?["batch.kubernetes.io/job-name"]?.ToString() == name
                                               && KubernetesRegistry.Finalizers(p).Contains(TrackingFinalizer)
                                               && (job is null || !OwnerReferences.IsControlledBy(p, job.Uid()))))
            Registry.RemoveFinalizer(ResourceCatalog.Pods, ns, orphan.Name(), TrackingFinalizer);
        if (job is null || KubernetesRegistry.IsDeleting(job))
            return Task.CompletedTask;
        var key = new ObjectKey(ns, name);
        var now = DateTimeOffset.UtcNow;
        var owned = pods.Where(p => OwnerReferences.IsControlledBy(p, job.Uid())).ToList();

        if (IsFinished(job))
        {
            // The status is final: what is left of the pods is removed and released uncounted.
            foreach (var pod in owned.Where(p => !KubernetesRegistry.IsDeleting(p) && !IsTerminal(p)))
                Registry.Delete(ResourceCatalog.Pods, ns, pod.Name());
            foreach (var pod in owned.Where(p => (KubernetesRegistry.IsDeleting(p) || IsTerminal(p)) && KubernetesRegistry.Finalizers(p).Contains(TrackingFinalizer)))
                Registry.RemoveFinalizer(ResourceCatalog.Pods, ns, pod.Name(), TrackingFinalizer);
            ExpireAfterTtl(job, key, now, cancellationToken);
            return Task.CompletedTask;
        }
        if (job["spec"]?["suspend"]?.GetValue<bool>() == true)
        {
            foreach (var pod in owned.Where(p => !KubernetesRegistry.IsDeleting(p) && !IsTerminal(p)))
                Registry.Delete(ResourceCatalog.Pods, ns, pod.Name());
            WriteStatus(job, owned, extra: null);
            return Task.CompletedTask;
        }

        if (job["status"]?["startTime"] is null)
        {
            _startedAt[job.Uid()] = now;
            job = Registry.Mutate(ResourceCatalog.Jobs, ns, name, statusOnly: true, j => j.Child("status")["startTime"] = ObjectMeta.Timestamp(now));
        }
        job = Count(job, owned);
        var status = job["status"];
        var succeeded = status.Number("succeeded") ?? 0;
        var failed = status.Number("failed") ?? 0;
        var active = owned.Where(p => !KubernetesRegistry.IsDeleting(p) && !IsTerminal(p)).ToList();
        var restarts = job["spec"]?["template"]?["spec"].String("restartPolicy") == "OnFailure"
            ? active.Sum(p => (p["status"]?["containerStatuses"] as JsonArray ?? []).Sum(c => c.Number("restartCount") ?? 0))
            : 0;
        var completions = job["spec"].Number("completions") ?? 1;
        var parallelism = job["spec"].Number("parallelism") ?? 1;
        var backoffLimit = job["spec"].Number("backoffLimit") ?? 6;
        var startTime = _startedAt.TryGetValue(job.Uid(), out var precise) ? precise : ObjectMeta.ParseTimestamp(status.String("startTime")) ?? now;
        DateTimeOffset? deadline = job["spec"].Number("activeDeadlineSeconds") is { } seconds ? startTime + options.Scaled(seconds) : null;

        var judged = owned.Where(IsFailed).Select(p => kubelet.FailedVerdictOf(p.Uid())).OfType<JobVerdict>().LastOrDefault();
        if (judged is not null && judged.Reason != "BackoffLimitExceeded")
            return Fail(job, active, judged.Reason, judged.Message);
        if (deadline <= now)
            return Fail(job, active, "DeadlineExceeded", "Job was active longer than specified deadline");
        if (failed + restarts > backoffLimit)
        {
            // A hook's reason for the last failure is the Job's message, so the cause reads on the Job itself.
            var message = judged?.Message ?? LastTerminationMessage(owned) ?? "Job has reached the specified backoff limit";
            return Fail(job, active, "BackoffLimitExceeded", message);
        }
        if (succeeded >= completions)
        {
            foreach (var pod in active)
                Registry.Delete(ResourceCatalog.Pods, ns, pod.Name());
            Finish(job, owned, complete: true, "CompletionsReached", "Reached expected number of succeeded pods");
            events.Normal(job, "Completed", "Job completed", Component);
            return Task.CompletedTask;
        }

        var wanted = Math.Min(parallelism, completions - succeeded) - active.Count;
        if (wanted > 0)
        {
            var waitUntil = failed > 0 && _lastFailure.TryGetValue(job.Uid(), out var lastFailure)
                ? lastFailure + options.Backoff((int)failed, 10, 600)
                : now;
            if (waitUntil > now)
                RequeueAfter(key, waitUntil - now, cancellationToken);
            else
            {
                for (var i = 0; i < wanted; i++)
                {
                    try
                    {
                        var created = Registry.Create(ResourceCatalog.Pods, ns, NewPod(job));
                        owned.Add(created);
                        events.Normal(job, "SuccessfulCreate", $"Created pod: {created.Name()}", Component);
                    }
                    catch (KubernetesApiException refused) when (refused.Code is 403 or 422 or 409)
                    {
                        events.Warning(job, "FailedCreate", $"Error creating: {refused.Message}", Component);
                        RequeueAfter(key, options.Backoff(1, 1, 1), cancellationToken);
                        break;
                    }
                }
            }
        }
        WriteStatus(job, owned, extra: null);
        if (deadline is { } d)
            RequeueAfter(key, d - now, cancellationToken);
        return Task.CompletedTask;
    }

    // Terminal pods still carrying the tracking finalizer are added to succeeded or failed, then released.
    private JsonObject Count(JsonObject job, List<JsonObject> owned)
    {
        var uncounted = owned.Where(p => IsTerminal(p) && KubernetesRegistry.Finalizers(p).Contains(TrackingFinalizer)).ToList();
        if (uncounted.Count == 0)
            return job;
        var newlySucceeded = uncounted.Count(p => p["status"].String("phase") == "Succeeded");
        var newlyFailed = uncounted.Count - newlySucceeded;
        if (newlyFailed > 0)
            _lastFailure[job.Uid()] = DateTimeOffset.UtcNow;
        job = Registry.Mutate(ResourceCatalog.Jobs, job.Namespace(), job.Name(), statusOnly: true, j =>
        {
            var status = j.Child("status");
            if (newlySucceeded > 0)
                status["succeeded"] = (status.Number("succeeded") ?? 0) + newlySucceeded;
            if (newlyFailed > 0)
                status["failed"] = (status.Number("failed") ?? 0) + newlyFailed;
        });
        foreach (var pod in uncounted)
            Registry.RemoveFinalizer(ResourceCatalog.Pods, pod.Namespace(), pod.Name(), TrackingFinalizer);
        return job;
    }

    private Task Fail(JsonObject job, List<JsonObject> active, string reason, string message)
    {
        // Pods still running when the Job fails are stopped, and count as failed.
        foreach (var pod in active)
            Registry.Delete(ResourceCatalog.Pods, job.Namespace(), pod.Name());
        if (active.Count > 0)
            Registry.Mutate(ResourceCatalog.Jobs, job.Namespace(), job.Name(), statusOnly: true, j => j.Child("status")["failed"] = (j["status"].Number("failed") ?? 0) + active.Count);
        Finish(job, active, complete: false, reason, message);
        events.Warning(job, reason, message, Component);
        return Task.CompletedTask;
    }

    private void Finish(JsonObject job, List<JsonObject> owned, bool complete, string reason, string message)
    {
        var now = ObjectMeta.Timestamp(DateTimeOffset.UtcNow);
        WriteStatus(job, owned, status =>
        {
            status.Remove("active");
            var conditions = new JsonArray();
            if (complete)
            {
                status["completionTime"] = now;
                conditions.Add(Condition("SuccessCriteriaMet", reason, message, now));
                conditions.Add(Condition("Complete", reason, message, now));
            }
            else
            {
                conditions.Add(Condition("FailureTarget", reason, message, now));
                conditions.Add(Condition("Failed", reason, message, now));
            }
            status["conditions"] = conditions;
        });
    }

    private void WriteStatus(JsonObject job, List<JsonObject> owned, Action<JsonObject>? extra) =>
        Registry.Mutate(ResourceCatalog.Jobs, job.Namespace(), job.Name(), statusOnly: true, j =>
        {
            var status = j.Child("status");
            var live = owned.Where(p => Registry.Find(ResourceCatalog.Pods, p.Namespace(), p.Name()) is { } current && current.Uid() == p.Uid())
                .Select(p => Registry.Find(ResourceCatalog.Pods, p.Namespace(), p.Name())!).ToList();
            var active = live.Count(p => !KubernetesRegistry.IsDeleting(p) && !IsTerminal(p));
            if (active > 0)
                status["active"] = active;
            else
                status.Remove("active");
            status["ready"] = live.Count(p => !KubernetesRegistry.IsDeleting(p) && ReplicaSetController.IsReady(p));
            status["terminating"] = live.Count(p => KubernetesRegistry.IsDeleting(p) && !IsTerminal(p));
            status["uncountedTerminatedPods"] = new JsonObject();
            extra?.Invoke(status);
        });

    private void ExpireAfterTtl(JsonObject job, ObjectKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (job["spec"].Number("ttlSecondsAfterFinished") is not { } ttl)
            return;
        var finished = (job["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(c => c.String("type") is "Complete" or "Failed").Select(c => ObjectMeta.ParseTimestamp(c.String("lastTransitionTime"))).FirstOrDefault() ?? now;
        var expiresAt = finished + options.Scaled(ttl);
        if (now >= expiresAt)
            Registry.Delete(ResourceCatalog.Jobs, job.Namespace(), job.Name(), new DeleteOptions { PropagationPolicy = "Foreground" });
        else
            RequeueAfter(key, expiresAt - now, cancellationToken);
    }

    private static string? LastTerminationMessage(List<JsonObject> owned) =>
        owned.Where(IsFailed)
            .SelectMany(p => (p["status"]?["containerStatuses"] as JsonArray ?? []).OfType<JsonObject>())
            .Select(c => c["state"]?["terminated"].String("message"))
            .LastOrDefault(m => m is not null);

    private static JsonObject NewPod(JsonObject job)
    {
        var template = job["spec"]?["template"] as JsonObject ?? [];
        var metadata = template["metadata"]?.DeepClone().AsObject() ?? [];
        metadata.Remove("creationTimestamp");
        metadata["generateName"] = job.Name() + "-";
        metadata["namespace"] = job.Namespace();
        metadata["ownerReferences"] = new JsonArray(OwnerReferences.ControllerOf(job));
        metadata["finalizers"] = new JsonArray(TrackingFinalizer);
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = template["spec"]?.DeepClone(),
        };
    }

    private static JsonObject Condition(string type, string reason, string message, string now) => new()
    {
        ["type"] = type,
        ["status"] = "True",
        ["lastProbeTime"] = now,
        ["lastTransitionTime"] = now,
        ["reason"] = reason,
        ["message"] = message,
    };

    private static bool IsTerminal(JsonObject pod) => pod["status"].String("phase") is "Succeeded" or "Failed";

    private static bool IsFailed(JsonObject pod) => pod["status"].String("phase") == "Failed";

    private static bool IsFinished(JsonObject job) =>
        (job["status"]?["conditions"] as JsonArray ?? []).Any(c => c.String("type") is "Complete" or "Failed" && c.String("status") == "True");
}
