using System.Collections.Concurrent;
using System.Reflection;
using k8s;
using k8s.Models;

namespace Mlops.Clients.Kubernetes;

/// <summary>Where a kind lives in the API (group, version, plural, scope), read from its <c>[KubernetesEntity]</c> attribute.</summary>
internal sealed record KubernetesResource(string Group, string Version, string Plural, string Kind, bool Namespaced)
{
    private static readonly ConcurrentDictionary<Type, KubernetesResource> s_byType = new();

    // Built-in kinds without a namespace that callers may reasonably use; every other kind is namespaced.
    private static readonly HashSet<Type> s_clusterScoped =
    [
        typeof(V1Namespace), typeof(V1Node), typeof(V1PersistentVolume), typeof(V1ClusterRole), typeof(V1ClusterRoleBinding),
        typeof(V1StorageClass), typeof(V1CustomResourceDefinition),
    ];

    /// <summary>Built-in kinds accept strategic merge patches; custom kinds only JSON merge patches.</summary>
    public bool IsBuiltIn { get; init; }

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public static KubernetesResource Of<T>() => s_byType.GetOrAdd(typeof(T), type =>
    {
        var entity = type.GetCustomAttribute<KubernetesEntityAttribute>()
                     ?? throw new ArgumentException($"{type.Name} has no [KubernetesEntity] attribute, so its API path is unknown.");
        return new KubernetesResource(entity.Group ?? "", entity.ApiVersion, entity.PluralName, entity.Kind, !s_clusterScoped.Contains(type))
        {
            IsBuiltIn = type.Assembly == typeof(V1Pod).Assembly,
        };
    });
}
