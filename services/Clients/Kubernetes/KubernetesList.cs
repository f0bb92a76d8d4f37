using k8s;
using k8s.Models;

namespace Mlops.Clients.Kubernetes;

/// <summary>The objects a list found and the list's resourceVersion, from which a watch continues without a gap.</summary>
public sealed record KubernetesList<T>(IReadOnlyList<T> Items, string? ResourceVersion)
    where T : IKubernetesObject<V1ObjectMeta>;
