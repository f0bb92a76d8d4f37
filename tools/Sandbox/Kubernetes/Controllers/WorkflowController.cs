using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes.Controllers;

/// <summary>
/// The Argo workflow controller: a Workflow goes Pending, then Running, each for
/// <see cref="KubernetesOptions.WorkflowPhaseDuration"/>, then Succeeded, or Failed when it carries a non-zero exit-code
/// annotation or one of its templates uses an unpullable image.
/// </summary>
public sealed class WorkflowController(KubernetesRegistry registry, KubernetesOptions options, ILogger<WorkflowController> logger)
    : ControllerLoop(registry, logger)
{
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
            Write(ns, name, final, message, now);
        }
        return Task.CompletedTask;
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
