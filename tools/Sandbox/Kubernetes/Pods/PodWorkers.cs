using System.Collections.Concurrent;

namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>The kubelet's pod workers by pod uid, shared with the readers of running containers (logs, proxy, cluster services).</summary>
public sealed class PodWorkers
{
    private readonly ConcurrentDictionary<string, PodWorker> _byUid = new();

    internal PodWorker GetOrAdd(string uid, Func<PodWorker> create) => _byUid.GetOrAdd(uid, _ => create());

    internal PodWorker? Find(string uid) => _byUid.TryGetValue(uid, out var worker) ? worker : null;

    internal bool Remove(string uid, out PodWorker? worker) => _byUid.TryRemove(uid, out worker);

    internal IReadOnlyList<PodWorker> All => _byUid.Values.ToList();

    /// <summary>The containers of a pod as the kubelet last reported them; empty when it runs nothing for the pod.</summary>
    public IReadOnlyList<ContainerView> ContainersOf(string podUid) => Find(podUid)?.Containers ?? [];
}
