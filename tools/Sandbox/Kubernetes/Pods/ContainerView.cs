namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>
/// A container as readers outside the kubelet's sync see it (the log endpoint, the service proxy, in-cluster address
/// resolution): its process while running and ready, and the logs <c>kubectl logs</c> and <c>--previous</c> read.
/// </summary>
public sealed record ContainerView(
    string Name,
    bool IsInit,
    IContainerProcess? Process,
    bool Ready,
    IReadOnlySet<int> DeclaredPorts,
    IReadOnlyDictionary<string, int> NamedPorts,
    string? WaitingReason,
    ContainerLogBuffer? Current,
    ContainerLogBuffer? Previous);
