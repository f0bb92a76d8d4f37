using System.Globalization;
using System.Text.Json.Nodes;
using Mlops.Sandbox.Hosting;
using Mlops.Sandbox.Kubernetes.Controllers;

namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>
/// The scheduler and the kubelet of the sandbox's single node: binds pods (claims must exist, the node selector must
/// match, requests must fit), runs their containers through the registered container programs, reports their status,
/// and finishes their deletion.
/// </summary>
public sealed class Kubelet(KubernetesRegistry registry, KubernetesOptions options, SandboxContext context, EventRecorder events, PodWorkers workers, ILogger<Kubelet> logger)
    : ControllerLoop(registry, logger)
{
    public const string NodeName = "sandbox";
    public const string HostIp = "10.0.0.10";
    public const double NodeCpu = 8;
    public const double NodeMemoryBytes = 32.0 * 1024 * 1024 * 1024;

    /// <summary>The node's labels, as a node selector sees them.</summary>
    public static readonly IReadOnlyDictionary<string, string> NodeLabels = new Dictionary<string, string>
    {
        ["kubernetes.io/hostname"] = NodeName,
        ["kubernetes.io/os"] = "linux",
        ["kubernetes.io/arch"] = "amd64",
        ["beta.kubernetes.io/os"] = "linux",
        ["beta.kubernetes.io/arch"] = "amd64",
        ["node-role.kubernetes.io/control-plane"] = "",
    };

    private KubeletServices? _services;

    protected override ResourceType Primary => ResourceCatalog.Pods;

    /// <summary>The verdict with which the job completion hooks failed a pod's run, for the job controller's reason.</summary>
    public JobVerdict? FailedVerdictOf(string podUid) => workers.Find(podUid)?.FailedVerdict;

    // Secrets and config maps can unblock a waiting container; a claim can unblock scheduling.
    protected override IEnumerable<ObjectKey> Affected(StoreEvent change)
    {
        if (change.Resource == ResourceCatalog.Secrets || change.Resource == ResourceCatalog.ConfigMaps || change.Resource == ResourceCatalog.PersistentVolumeClaims)
        {
            return Registry.List(ResourceCatalog.Pods, change.Namespace).Items
                .Where(p => !(workers.Find(p.Uid())?.Terminal ?? false))
                .Select(p => new ObjectKey(p.Namespace(), p.Name()));
        }
        return base.Affected(change);
    }

    protected override async Task ReconcileAsync(string? ns, string name, CancellationToken cancellationToken)
    {
        _services ??= new KubeletServices(Registry, options, events, context.ContainerPrograms, context.JobCompletionHooks, new DefaultContainerProgram(Registry, options), cancellationToken);
        var pod = Registry.Find(ResourceCatalog.Pods, ns, name);
        // Workers of pods that are gone (or replaced by a pod of the same name) are stopped.
        foreach (var stale in workers.All.Where(w => w.Key == new ObjectKey(ns, name) && w.Uid != pod?.Uid()))
        {
            if (workers.Remove(stale.Uid, out var removed))
                await removed!.DisposeAsync();
        }
        if (pod is null)
            return;
        if (string.IsNullOrEmpty(pod["spec"].String("nodeName")))
        {
            if (!KubernetesRegistry.IsDeleting(pod))
                Schedule(pod);
            return;
        }
        var key = new ObjectKey(ns, name);
        var worker = workers.GetOrAdd(pod.Uid(), () => new PodWorker(pod, key, _services, () => Enqueue(key)));
        if (KubernetesRegistry.IsDeleting(pod))
        {
            await worker.StopAsync(pod);
            await worker.SyncAsync(Registry.Find(ResourceCatalog.Pods, ns, name) ?? pod);
            Registry.Delete(ResourceCatalog.Pods, ns, name, new DeleteOptions { GracePeriodSeconds = 0 });
            return;
        }
        var next = await worker.SyncAsync(pod);
        if (next is { } at)
            RequeueAfter(key, at - DateTimeOffset.UtcNow, cancellationToken);
    }

    // The scheduler's part: one node, so a pod fits or it is Unschedulable with the scheduler's message.
    private void Schedule(JsonObject pod)
    {
        var reason = Unschedulable(pod);
        var now = ObjectMeta.Timestamp(DateTimeOffset.UtcNow);
        if (reason is not null)
        {
            var message = $"0/1 nodes are available: {reason}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";
            var before = (pod["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => c.String("type") == "PodScheduled");
            if (before?.String("message") != message)
            {
                events.Warning(pod, "FailedScheduling", message, "default-scheduler");
                Registry.Mutate(ResourceCatalog.Pods, pod.Namespace(), pod.Name(), statusOnly: true, p =>
                {
                    var status = p.Child("status");
                    status["phase"] = "Pending";
                    status["conditions"] = new JsonArray(new JsonObject
                    {
                        ["type"] = "PodScheduled",
                        ["status"] = "False",
                        ["lastProbeTime"] = null,
                        ["lastTransitionTime"] = now,
                        ["reason"] = "Unschedulable",
                        ["message"] = message,
                    });
                });
            }
            return;
        }
        foreach (var claim in ContainerEnvironment.Claims(pod))
            BindClaim(pod.Namespace(), claim);
        Registry.Mutate(ResourceCatalog.Pods, pod.Namespace(), pod.Name(), statusOnly: false, p => p.Child("spec")["nodeName"] = NodeName);
        Registry.Mutate(ResourceCatalog.Pods, pod.Namespace(), pod.Name(), statusOnly: true, p => p.Child("status")["conditions"] = new JsonArray(new JsonObject
        {
            ["type"] = "PodScheduled",
            ["status"] = "True",
            ["lastProbeTime"] = null,
            ["lastTransitionTime"] = now,
        }));
        events.Normal(pod, "Scheduled", $"Successfully assigned {pod.Namespace()}/{pod.Name()} to {NodeName}", "default-scheduler");
    }

    private string? Unschedulable(JsonObject pod)
    {
        foreach (var claim in ContainerEnvironment.Claims(pod))
        {
            if (Registry.Find(ResourceCatalog.PersistentVolumeClaims, pod.Namespace(), claim) is null)
                return $"persistentvolumeclaim \"{claim}\" not found";
        }
        foreach (var (key, value) in pod["spec"]?["nodeSelector"] as JsonObject ?? [])
        {
            if (!NodeLabels.TryGetValue(key, out var label) || label != value?.ToString())
                return "1 node(s) didn't match Pod's node affinity/selector";
        }
        var bound = Registry.List(ResourceCatalog.Pods, null).Items
            .Where(p => p.Uid() != pod.Uid() && !string.IsNullOrEmpty(p["spec"].String("nodeName")) && p["status"].String("phase") is not ("Succeeded" or "Failed"))
            .ToList();
        foreach (var (resource, capacity) in new[] { ("cpu", NodeCpu), ("memory", NodeMemoryBytes) })
        {
            var requested = bound.Append(pod).Sum(p => Requests(p, resource));
            if (requested > capacity)
                return $"1 Insufficient {resource}";
        }
        return null;
    }

    private static double Requests(JsonObject pod, string resource) =>
        ObjectMeta.Containers(pod["spec"] as JsonObject).Sum(c =>
            Quantity(c["resources"]?["requests"]?[resource]?.ToString() ?? c["resources"]?["limits"]?[resource]?.ToString()));

    private static double Quantity(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return 0;
        var units = new (string Suffix, double Factor)[] { ("Ki", 1024), ("Mi", 1024 * 1024), ("Gi", 1024.0 * 1024 * 1024), ("Ti", 1024.0 * 1024 * 1024 * 1024), ("m", 0.001), ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12) };
        foreach (var (suffix, factor) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal) && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var scaled))
                return scaled * factor;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain) ? plain : 0;
    }

    // The node's provisioner binds a claim when its first pod is scheduled (WaitForFirstConsumer, as local-path does).
    private void BindClaim(string? ns, string claim)
    {
        var found = Registry.Find(ResourceCatalog.PersistentVolumeClaims, ns, claim);
        if (found is null || found["status"].String("phase") == "Bound")
            return;
        var volume = $"pvc-{found.Uid()}";
        Registry.Mutate(ResourceCatalog.PersistentVolumeClaims, ns, claim, statusOnly: false, c =>
        {
            c.Child("spec")["volumeName"] = volume;
            c.SetAnnotation("pv.kubernetes.io/bind-completed", "yes");
            c.SetAnnotation("pv.kubernetes.io/bound-by-controller", "yes");
            c.SetAnnotation("volume.kubernetes.io/selected-node", NodeName);
        });
        Registry.Mutate(ResourceCatalog.PersistentVolumeClaims, ns, claim, statusOnly: true, c =>
        {
            var spec = c["spec"];
            c["status"] = new JsonObject
            {
                ["phase"] = "Bound",
                ["accessModes"] = spec?["accessModes"]?.DeepClone(),
                ["capacity"] = new JsonObject { ["storage"] = spec?["resources"]?["requests"]?["storage"]?.DeepClone() },
            };
        });
    }
}
