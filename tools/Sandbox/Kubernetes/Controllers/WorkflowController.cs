using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Mlops.Sandbox.Hosting;
using Mlops.Sandbox.Kubernetes.Pods;

namespace Mlops.Sandbox.Kubernetes.Controllers;

/// <summary>
/// The Argo workflow controller: a Workflow goes Pending, then Running, each for
/// <see cref="KubernetesOptions.WorkflowPhaseDuration"/>, then Succeeded, or Failed when it carries a non-zero exit-code
/// annotation or one of its templates uses an unpullable image. When the entrypoint is a container template, the job
/// completion hooks act out that container at the end of Running (a training Workflow trains as its Job would) and
/// decide the outcome; an env reference that does not resolve fails it with the kubelet's CreateContainerConfigError.
/// </summary>
public sealed class WorkflowController(KubernetesRegistry registry, KubernetesOptions options, SandboxContext context, ILogger<WorkflowController> logger)
    : ControllerLoop(registry, logger)
{
    // Workflows whose container the hooks are acting out, by uid.
    private readonly ConcurrentDictionary<string, byte> _acting = new(StringComparer.Ordinal);

    protected override ResourceType Primary => ResourceCatalog.Workflows;

    protected override Task ReconcileAsync(string? ns, string name, CancellationToken cancellationToken)
    {
        var workflow = Registry.Find(ResourceCatalog.Workflows, ns, name);
        var phase = workflow?["status"].String("phase");
        if (workflow is null || phase is "Succeeded" or "Failed" or "Error")
            return Task.CompletedTask;
        var key = new ObjectKey(ns, name);
        var now = DateTimeOffset.UtcNow;
        var created = ObjectMeta.ParseTimestamp(workflow["metadata"].String("creationTimestamp")) ?? now;
        var runningAt = created + options.WorkflowPhaseDuration;
        var endsAt = runningAt + options.WorkflowPhaseDuration;

        if (phase is null)
        {
            Write(ns, name, "Pending", null, null);
            RequeueAfter(key, runningAt - now, cancellationToken);
        }
        else if (now < runningAt)
            RequeueAfter(key, runningAt - now, cancellationToken);
        else if (phase == "Pending")
        {
            Write(ns, name, "Running", null, now);
            RequeueAfter(key, endsAt - now, cancellationToken);
        }
        else if (now < endsAt)
            RequeueAfter(key, endsAt - now, cancellationToken);
        else
        {
            var images = (workflow["spec"]?["templates"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(t => t["container"].String("image") ?? t["script"].String("image"))
                .Where(i => i is not null);
            var exitCode = PodRules.ExitCode(workflow, null);
            var (final, message) = images.Any(PodRules.IsUnpullable)
                ? ("Failed", "ImagePullBackOff: the image cannot be pulled")
                : exitCode != 0 ? ("Failed", $"Error (exit code {exitCode})") : ("Succeeded", (string?)null);
            if (final == "Succeeded" && EntrypointContainer(workflow) is { } container && context.JobCompletionHooks.Count > 0)
            {
                if (_acting.TryAdd(workflow.Uid(), 0))
                    ActOut(workflow, container, cancellationToken);
                return Task.CompletedTask;
            }
            Write(ns, name, final, message, now);
        }
        return Task.CompletedTask;
    }

    private static JsonObject? EntrypointContainer(JsonObject workflow)
    {
        var entrypoint = workflow["spec"].String("entrypoint");
        return (workflow["spec"]?["templates"] as JsonArray ?? []).OfType<JsonObject>()
            .FirstOrDefault(t => t.String("name") == entrypoint)?["container"] as JsonObject;
    }

    // The hooks see the template's container as the only container of a Job's pod, as Argo's pod would run it.
    private void ActOut(JsonObject workflow, JsonObject container, CancellationToken cancellationToken)
    {
        var ns = workflow.Namespace();
        var name = workflow.Name();
        var pod = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = new JsonObject { ["containers"] = new JsonArray(container.DeepClone()) },
        };
        var (config, error) = ContainerEnvironment.Resolve(Registry, pod, container);
        if (config is null)
        {
            Write(ns, name, "Failed", $"CreateContainerConfigError: {error}", DateTimeOffset.UtcNow);
            _acting.TryRemove(workflow.Uid(), out _);
            return;
        }
        var manifest = new JsonObject
        {
            ["apiVersion"] = "batch/v1",
            ["kind"] = "Job",
            ["metadata"] = workflow["metadata"]?.DeepClone(),
            ["spec"] = new JsonObject { ["template"] = new JsonObject { ["spec"] = pod["spec"]!.DeepClone() } },
        };
        _ = Task.Run(async () =>
        {
            JobVerdict verdict;
            try
            {
                JobVerdict? failure = null, success = null;
                foreach (var hook in context.JobCompletionHooks.ToList())
                {
                    var decided = await hook.OnJobFinishingAsync(new JobCompletion(manifest.DeepClone().AsObject(), JobVerdict.Complete(), config.Env), cancellationToken);
                    if (decided is { Succeeded: false })
                        failure ??= decided;
                    else if (decided is not null)
                        success = decided;
                }
                verdict = failure ?? success ?? JobVerdict.Complete();
            }
            catch (Exception failed) when (failed is not OperationCanceledException)
            {
                verdict = JobVerdict.Failed($"job completion hook failed: {failed.Message}");
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (Registry.Find(ResourceCatalog.Workflows, ns, name)?.Uid() == workflow.Uid())
                Write(ns, name, verdict.Succeeded ? "Succeeded" : "Failed", verdict.Succeeded ? null : verdict.Message, DateTimeOffset.UtcNow);
            _acting.TryRemove(workflow.Uid(), out _);
        }, cancellationToken);
    }

    private void Write(string? ns, string name, string phase, string? message, DateTimeOffset? at) =>
        Registry.Mutate(ResourceCatalog.Workflows, ns, name, statusOnly: false, w =>
        {
            var status = w.Child("status");
            status["phase"] = phase;
            var stamp = at is { } t ? ObjectMeta.Timestamp(t) : null;
            if (phase == "Running")
                status["startedAt"] = stamp;
            status.Default("startedAt", stamp ?? ObjectMeta.Timestamp(DateTimeOffset.UtcNow));
            var finished = phase is "Succeeded" or "Failed";
            if (finished)
            {
                status["finishedAt"] = stamp;
                status["progress"] = phase == "Succeeded" ? "1/1" : "0/1";
            }
            else
                status["progress"] = "0/1";
            if (message is not null)
                status["message"] = message;
            status["nodes"] = new JsonObject
            {
                [name] = new JsonObject
                {
                    ["id"] = name,
                    ["name"] = name,
                    ["displayName"] = name,
                    ["type"] = "Pod",
                    ["templateName"] = w["spec"].String("entrypoint"),
                    ["phase"] = phase,
                    ["startedAt"] = status["startedAt"]?.DeepClone(),
                    ["finishedAt"] = finished ? stamp : null,
                },
            };
        });
}
