using k8s;
using k8s.Models;

namespace Mlops.Clients.Kubernetes;

/// <summary>
/// The resourceVersion a watch started from is gone from the server's history (410, reason <c>Expired</c> or
/// <c>Gone</c>): list again and watch from the list's resourceVersion.
/// </summary>
public sealed class KubernetesWatchExpiredException : KubernetesException
{
    public KubernetesWatchExpiredException()
    {
    }

    public KubernetesWatchExpiredException(string message)
        : base(message)
    {
    }

    public KubernetesWatchExpiredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public KubernetesWatchExpiredException(V1Status status, string? resourceVersion, Exception? innerException = null)
        : base(status, innerException)
    {
        ResourceVersion = resourceVersion;
    }

    /// <summary>The resourceVersion the watch asked for.</summary>
    public string? ResourceVersion { get; }
}
