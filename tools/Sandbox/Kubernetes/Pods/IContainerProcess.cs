namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>A running container as the kubelet sees it: it may exit by itself, and it may answer HTTP on its ports.</summary>
/// <remarks>Disposing it kills the process (the kubelet restarting or deleting the container).</remarks>
public interface IContainerProcess : IAsyncDisposable
{
    /// <summary>Completes with the exit code when the process ends by itself; never completes for a process that keeps running.</summary>
    Task<int> Exited { get; }

    /// <summary>
    /// Answers a request to one of the container's ports, as a probe or the API server's service proxy sends it;
    /// null when nothing listens on that port (the connection is refused).
    /// </summary>
    Task<ContainerResponse?> HandleAsync(ContainerRequest request, CancellationToken cancellationToken);
}
