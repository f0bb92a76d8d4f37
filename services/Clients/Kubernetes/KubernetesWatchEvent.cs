using k8s;

namespace Mlops.Clients.Kubernetes;

/// <summary>One change seen by a watch: ADDED, MODIFIED, DELETED or BOOKMARK, and the object as of that change.</summary>
public sealed record KubernetesWatchEvent<T>(WatchEventType Type, T Object)
    where T : IKubernetesObject<k8s.Models.V1ObjectMeta>
{
    /// <summary>The resourceVersion to resume the watch from after this event.</summary>
    public string? ResourceVersion => Object.Metadata?.ResourceVersion;
}
