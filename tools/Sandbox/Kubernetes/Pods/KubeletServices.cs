using Mlops.Sandbox.Kubernetes.Controllers;

namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>What the kubelet's pod workers share: the registry, timing, events, the registered programs and hooks, pod addresses.</summary>
internal sealed class KubeletServices(
    KubernetesRegistry registry,
    KubernetesOptions options,
    EventRecorder events,
    IList<IContainerProgram> programs,
    IList<IJobCompletionHook> hooks,
    DefaultContainerProgram fallback,
    CancellationToken stopping)
{
    private int _nextAddress = 1;

    public KubernetesRegistry Registry { get; } = registry;

    public KubernetesOptions Options { get; } = options;

    public EventRecorder Events { get; } = events;

    public IList<IJobCompletionHook> Hooks { get; } = hooks;

    public CancellationToken Stopping { get; } = stopping;

    /// <summary>The registered programs in order, the first that recognises the container runs it; else the built-in one.</summary>
    public IContainerProcess Start(ContainerLaunch launch, bool initContainer)
    {
        foreach (var program in programs.ToList())
        {
            if (program.Start(launch) is { } process)
                return process;
        }
        return fallback.Start(launch, initContainer);
    }

    /// <summary>The next address of the node's pod range (10.244.0.0/16).</summary>
    public string AllocatePodIp()
    {
        var n = Interlocked.Increment(ref _nextAddress);
        return $"10.244.{(n / 254) % 256}.{(n % 254) + 1}";
    }
}
