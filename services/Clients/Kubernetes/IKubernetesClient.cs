using k8s;
using k8s.Models;

namespace Mlops.Clients.Kubernetes;

/// <summary>
/// The product's one way into the Kubernetes API: typed calls for any kind with a <c>[KubernetesEntity]</c> attribute
/// (built-in kinds and <see cref="Models.SealedSecret"/>, <see cref="Models.Workflow"/>). A call without a namespace
/// uses <see cref="DefaultNamespace"/>; "not found" is null or false; the API's errors arrive as KubernetesClient's
/// <c>HttpOperationException</c> (see <see cref="KubernetesStatusExtensions"/>), the two races as its subtypes
/// <see cref="KubernetesAlreadyExistsException"/> and <see cref="KubernetesConflictException"/>.
/// </summary>
public interface IKubernetesClient
{
    /// <summary>The namespace used when a call names none.</summary>
    string DefaultNamespace { get; }

    /// <summary>KubernetesClient itself, with the same resilience, for what this interface does not cover.</summary>
    IKubernetes Api { get; }

    Task<T?> GetAsync<T>(string name, string? ns = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>Objects matching <paramref name="labelSelector"/> (all when null) and the resourceVersion to watch from.</summary>
    Task<KubernetesList<T>> ListAsync<T>(string? labelSelector = null, string? ns = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>Creates the object; a taken name throws <see cref="KubernetesAlreadyExistsException"/> (how two writers claim a name).</summary>
    Task<T> CreateAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>
    /// Creates the object, or patches the existing one towards it: a strategic merge patch for built-in kinds (lists such
    /// as containers and env merge by name), a JSON merge patch for custom kinds, which refuse strategic merge. Fields
    /// the object leaves out keep their stored values.
    /// </summary>
    Task<T> ApplyAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>Replaces the object as read; a stale <c>metadata.resourceVersion</c> throws <see cref="KubernetesConflictException"/>.</summary>
    Task<T> ReplaceAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>
    /// Deletes the object and returns once it is gone (a foreground deletion, finalizers or a pod's grace period keep it a
    /// while, as <c>kubectl delete</c> waits for them); false when there was none.
    /// </summary>
    Task<bool> DeleteAsync<T>(string name, DeletePropagation propagation = DeletePropagation.Background, string? ns = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>
    /// Changes to objects matching <paramref name="labelSelector"/> after <paramref name="resourceVersion"/> (current
    /// objects first as ADDED when null), until cancelled or the server ends the watch. A resourceVersion the server no
    /// longer has throws <see cref="KubernetesWatchExpiredException"/>: list again. Per-attempt timeouts do not apply.
    /// </summary>
    IAsyncEnumerable<KubernetesWatchEvent<T>> WatchAsync<T>(string? labelSelector = null, string? resourceVersion = null, string? ns = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>;

    /// <summary>A pod's log (bounded by <see cref="PodLogOptions.LimitBytes"/>); null when the pod does not exist.</summary>
    Task<string?> ReadPodLogAsync(string pod, PodLogOptions? options = null, string? ns = null, CancellationToken cancellationToken = default);

    /// <summary>POSTs <paramref name="content"/> to <c>/api/v1/namespaces/{ns}/services/{service}:{port}/proxy/{path}</c>.</summary>
    Task<ServiceProxyResponse> PostToServiceAsync(string service, string port, string path, HttpContent content, string? ns = null, CancellationToken cancellationToken = default);

    /// <summary>GETs <c>/api/v1/namespaces/{ns}/services/{service}:{port}/proxy/{path}</c>.</summary>
    Task<ServiceProxyResponse> GetFromServiceAsync(string service, string port, string path, string? ns = null, CancellationToken cancellationToken = default);

    /// <summary>Asks the API server (SelfSubjectAccessReview) whether we may <paramref name="verb"/> <paramref name="resource"/> in the namespace.</summary>
    Task<KubernetesAccess> ReviewAccessAsync(string verb, string resource, string group = "", string? subresource = null, string? ns = null, CancellationToken cancellationToken = default);

    /// <summary>Proves by listing one object of <typeparamref name="T"/> that we may list that kind in the namespace; a 403 is the answer "no".</summary>
    Task<KubernetesAccess> CanListAsync<T>(string? ns = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>;
}
