using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Mlops.Sandbox.Kubernetes.Pods;

namespace Mlops.Sandbox.Kubernetes.Controllers;

/// <summary>A Job whose run time is over, as handed to the job completion hooks.</summary>
public sealed class JobCompletion
{
    internal JobCompletion(JsonObject manifest, JobVerdict planned, IReadOnlyDictionary<string, string> env)
    {
        Manifest = manifest;
        Planned = planned;
        Env = env;
        Job = KubernetesJson.Deserialize<V1Job>(manifest.ToJsonString());
    }

    /// <summary>The stored Job as KubernetesClient's model, e.g. to read container args.</summary>
    public V1Job Job { get; }

    /// <summary>The stored Job as raw JSON (a copy; changing it changes nothing).</summary>
    public JsonObject Manifest { get; }

    /// <summary>The outcome the job controller writes when no hook decides (its exit-code rule).</summary>
    public JobVerdict Planned { get; }

    /// <summary>Env of the first container as its process would see it: literal values, and secretKeyRef and configMapKeyRef values read from the stored objects.</summary>
    public IReadOnlyDictionary<string, string> Env { get; }

    /// <summary>The log of the Job's pod: what the hook writes here is what <c>kubectl logs</c> shows.</summary>
    public IContainerLog Log { get; init; } = NullContainerLog.Instance;
}
