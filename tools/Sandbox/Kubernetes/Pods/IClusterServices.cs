namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>Services as the cluster network sees them, for stand-ins that resolve in-cluster addresses.</summary>
public interface IClusterServices
{
    /// <summary>True when Service <paramref name="name"/> exists in <paramref name="ns"/> and exposes <paramref name="port"/>.</summary>
    bool Exposes(string ns, string name, int port);

    /// <summary>
    /// A ready pod's process behind Service <paramref name="name"/> on its service port <paramref name="port"/> (mapped to
    /// the container port as the Service's targetPort says), with that container port; null when no ready pod backs it.
    /// </summary>
    (IContainerProcess Process, int ContainerPort)? ReadyEndpoint(string ns, string name, int port);
}
