using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Mlops.Sandbox.Hosting;

namespace Mlops.Sandbox.Kubernetes.Controllers;

/// <summary>
/// The job controller with an imaginary pod: it runs for <see cref="KubernetesOptions.JobDuration"/> once its image can
/// be pulled and its env refs resolve, then the job completion hooks act out its side effects and the Job ends
/// Complete, or Failed with BackoffLimitExceeded (non-zero exit code) or DeadlineExceeded (spec.activeDeadlineSeconds).
/// </summary>
public sealed class JobController(KubernetesRegistry registry, KubernetesOptions options, SandboxContext context, ILogger<JobController> logger)
    : ControllerLoop(registry, logger)
{
    // When each Job's pod started running, and which Jobs are in their completion hooks, by uid.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _runningSince = new();
    private readonly ConcurrentDictionary<string, byte> _finishing = new();

    protected override ResourceType Primary => ResourceCatalog.Jobs;

    // A Secret or ConfigMap that appears can let a waiting pod start.
    protected override IEnumerable<ObjectKey> Affected(StoreEvent change) =>
        change.Resource == ResourceCatalog.Secrets || change.Resource == ResourceCatalog.ConfigMaps
            ? Registry.List(ResourceCatalog.Jobs, change.Namespace).Items.Select(j => new ObjectKey(j.Namespace(), j.Name()))
            : base.Affected(change);

    protected override Task ReconcileAsync(string? ns, string name, CancellationToken cancellationToken)
    {
        var job = Registry.Find(ResourceCatalog.Jobs, ns, name);
        if (job is null || IsFinished(job) || job["spec"]?["suspend"]?.GetValue<bool>() == true || _finishing.ContainsKey(job.Uid()))
            return Task.CompletedTask;
        var key = new ObjectKey(ns, name);
        var now = DateTimeOffset.UtcNow;
        var parallelism = job["spec"].Number("parallelism") ?? 1;

        if (job["status"]?["startTime"] is null)
        {
            job = Registry.Mutate(ResourceCatalog.Jobs, ns, name, statusOnly: true, j =>
            {
                j["status"] = new JsonObject
                {
                    ["startTime"] = ObjectMeta.Timestamp(now),
                    ["active"] = parallelism,
                    ["ready"] = 0,
                    ["terminating"] = 0,
                    ["uncountedTerminatedPods"] = new JsonObject(),
                };
            });
        }
        var startTime = ObjectMeta.ParseTimestamp(job["status"].String("startTime")) ?? now;
        DateTimeOffset? deadline = job["spec"].Number("activeDeadlineSeconds") is { } seconds ? startTime + options.Scaled(seconds) : null;
        if (deadline <= now)
        {
            Finish(job, JobVerdict.Failed("Job was active longer than specified deadline", "DeadlineExceeded"), failedPods: parallelism);
            return Task.CompletedTask;
        }

        var template = job["spec"]?["template"] as JsonObject;
        var podSpec = template?["spec"] as JsonObject;
        var env = PodRules.ResolveEnv(Registry, ns, podSpec);
        if (PodRules.AnyUnpullable(podSpec) || env is null)
        {
            // The pod waits (ImagePullBackOff, CreateContainerConfigError): only the deadline ends it.
            RequeueAfter(key, deadline is { } d ? Min(d - now, TimeSpan.FromSeconds(1)) : TimeSpan.FromSeconds(1), cancellationToken);
            return Task.CompletedTask;
        }

        var running = _runningSince.GetOrAdd(job.Uid(), now);
        if (job["status"].Number("ready") == 0)
            Registry.Mutate(ResourceCatalog.Jobs, ns, name, statusOnly: true, j => j["status"]!["ready"] = parallelism);
        var endsAt = running + options.JobDuration;
        if (now < endsAt)
        {
            RequeueAfter(key, (deadline is { } d && d < endsAt ? d : endsAt) - now, cancellationToken);
            return Task.CompletedTask;
        }

        var exitCode = PodRules.ExitCode(job, template);
        var planned = exitCode == 0
            ? JobVerdict.Complete()
            : JobVerdict.Failed("Job has reached the specified backoff limit");
        _finishing[job.Uid()] = 0;
        // Hooks may take a while (a training run logs to MLflow and uploads to S3); other Jobs go on meanwhile.
        _ = Task.Run(() => CompleteAsync(job, planned, env, cancellationToken), cancellationToken);
        return Task.CompletedTask;
    }

    private async Task CompleteAsync(JsonObject job, JobVerdict planned, IReadOnlyDictionary<string, string> env, CancellationToken cancellationToken)
    {
        JobVerdict verdict;
        try
        {
            JobVerdict? failure = null, success = null;
            foreach (var hook in context.JobCompletionHooks)
            {
                var decided = await hook.OnJobFinishingAsync(new JobCompletion(job.DeepClone().AsObject(), planned, env), cancellationToken);
                if (decided is { Succeeded: false })
                    failure ??= decided;
                else if (decided is not null)
                    success = decided;
            }
            verdict = failure ?? success ?? planned;
        }
        catch (Exception failed) when (failed is not OperationCanceledException)
        {
            verdict = JobVerdict.Failed($"job completion hook failed: {failed.Message}");
        }
        var backoffLimit = job["spec"].Number("backoffLimit") ?? 6;
        Finish(job, verdict, failedPods: verdict.Reason == "BackoffLimitExceeded" ? backoffLimit + 1 : 1);
    }

    private void Finish(JsonObject job, JobVerdict verdict, long failedPods)
    {
        var now = ObjectMeta.Timestamp(DateTimeOffset.UtcNow);
        Registry.Mutate(ResourceCatalog.Jobs, job.Namespace(), job.Name(), statusOnly: true, j =>
        {
            var status = j.Child("status");
            status.Remove("active");
            status["ready"] = 0;
            var conditions = new JsonArray();
            if (verdict.Succeeded)
            {
                status["succeeded"] = j["spec"].Number("completions") ?? 1;
                status["completionTime"] = now;
                conditions.Add(Condition("SuccessCriteriaMet", "CompletionsReached", verdict.Message, now));
                conditions.Add(Condition("Complete", "CompletionsReached", verdict.Message, now));
            }
            else
            {
                status["failed"] = failedPods;
                conditions.Add(Condition("FailureTarget", verdict.Reason, verdict.Message, now));
                conditions.Add(Condition("Failed", verdict.Reason, verdict.Message, now));
            }
            status["conditions"] = conditions;
        });
        _finishing.TryRemove(job.Uid(), out _);
        _runningSince.TryRemove(job.Uid(), out _);
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

    private static bool IsFinished(JsonObject job) =>
        (job["status"]?["conditions"] as JsonArray ?? []).Any(c => c.String("type") is "Complete" or "Failed" && c.String("status") == "True");

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
