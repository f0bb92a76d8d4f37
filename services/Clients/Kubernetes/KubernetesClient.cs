using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Mlops.Clients.Kubernetes;

/// <summary>
/// <see cref="IKubernetesClient"/> over KubernetesClient's generic (custom-object) operations, which serve built-in kinds
/// too: the group-less core kinds go to <c>/api/v1</c>. Resilience sits in the HTTP handler the client was built with.
/// </summary>
public sealed class KubernetesClient : IKubernetesClient, IDisposable
{
    private const int MaxProxyBodyBytes = 4 * 1024 * 1024;

    private readonly k8s.Kubernetes _api;

    public KubernetesClient(k8s.Kubernetes api, string defaultNamespace)
    {
        _api = api;
        DefaultNamespace = defaultNamespace;
    }

    public string DefaultNamespace { get; }

    public IKubernetes Api => _api;

    public async Task<T?> GetAsync<T>(string name, string? ns = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        RequireName(name);
        var resource = KubernetesResource.Of<T>();
        try
        {
            return resource.Namespaced
                ? await _api.CustomObjects.GetNamespacedCustomObjectAsync<T>(resource.Group, resource.Version, NamespaceOf(ns), resource.Plural, name, cancellationToken)
                : await _api.CustomObjects.GetClusterCustomObjectAsync<T>(resource.Group, resource.Version, resource.Plural, name, cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.IsNotFound())
        {
            return null;
        }
    }

    public async Task<KubernetesList<T>> ListAsync<T>(string? labelSelector = null, string? ns = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var resource = KubernetesResource.Of<T>();
        var body = resource.Namespaced
            ? await _api.CustomObjects.ListNamespacedCustomObjectAsync<KubernetesListBody<T>>(resource.Group, resource.Version, NamespaceOf(ns), resource.Plural,
                labelSelector: labelSelector, cancellationToken: cancellationToken)
            : await _api.CustomObjects.ListClusterCustomObjectAsync<KubernetesListBody<T>>(resource.Group, resource.Version, resource.Plural,
                labelSelector: labelSelector, cancellationToken: cancellationToken);
        return new KubernetesList<T>(body.Items ?? [], body.Metadata?.ResourceVersion);
    }

    public async Task<T> CreateAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var resource = Described(obj);
        try
        {
            return resource.Namespaced
                ? await _api.CustomObjects.CreateNamespacedCustomObjectAsync<T>(obj, resource.Group, resource.Version, NamespaceOf(obj.Metadata.NamespaceProperty), resource.Plural, cancellationToken: cancellationToken)
                : await _api.CustomObjects.CreateClusterCustomObjectAsync<T>(obj, resource.Group, resource.Version, resource.Plural, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.StatusCode() == HttpStatusCode.Conflict && ex.Reason() == "AlreadyExists")
        {
            throw KubernetesAlreadyExistsException.From(ex);
        }
    }

    public async Task<T> ApplyAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var resource = Described(obj);
        try
        {
            return await CreateAsync(obj, cancellationToken);
        }
        catch (KubernetesAlreadyExistsException)
        {
            // Built-in kinds carry merge keys (containers, env and ports merge by name); the API server refuses
            // strategic merge for custom kinds with 415, so they get a JSON merge patch (maps merge, lists are replaced).
            var patch = new V1Patch(PatchBody(obj), resource.IsBuiltIn ? V1Patch.PatchType.StrategicMergePatch : V1Patch.PatchType.MergePatch);
            return await PatchAsync<T>(resource, obj.Metadata.Name, patch, obj.Metadata.NamespaceProperty, cancellationToken);
        }
    }

    public async Task<T> ReplaceAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var resource = Described(obj);
        if (string.IsNullOrEmpty(obj.Metadata.ResourceVersion))
            throw new ArgumentException($"Replacing {resource.Kind} '{obj.Metadata.Name}' needs metadata.resourceVersion from a read, so a concurrent change is not overwritten.", nameof(obj));
        try
        {
            return resource.Namespaced
                ? await _api.CustomObjects.ReplaceNamespacedCustomObjectAsync<T>(obj, resource.Group, resource.Version, NamespaceOf(obj.Metadata.NamespaceProperty), resource.Plural, obj.Metadata.Name, cancellationToken: cancellationToken)
                : await _api.CustomObjects.ReplaceClusterCustomObjectAsync<T>(obj, resource.Group, resource.Version, resource.Plural, obj.Metadata.Name, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.StatusCode() == HttpStatusCode.Conflict)
        {
            throw KubernetesConflictException.From(ex);
        }
    }

    public async Task<bool> DeleteAsync<T>(string name, DeletePropagation propagation = DeletePropagation.Background, string? ns = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        RequireName(name);
        var resource = KubernetesResource.Of<T>();
        var options = new V1DeleteOptions { PropagationPolicy = propagation.ToString() };
        object answer;
        try
        {
            answer = resource.Namespaced
                ? await _api.CustomObjects.DeleteNamespacedCustomObjectAsync(resource.Group, resource.Version, NamespaceOf(ns), resource.Plural, name, options, cancellationToken: cancellationToken)
                : await _api.CustomObjects.DeleteClusterCustomObjectAsync(resource.Group, resource.Version, resource.Plural, name, options, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.IsNotFound())
        {
            return false;
        }
        // The API server answers a Status when the object is gone, and the object itself while something still holds it
        // (foreground propagation, finalizers, a pod's grace period): then wait for it to go, as kubectl delete does.
        if (DeletingUid(answer) is { } uid)
            await WaitUntilGoneAsync<T>(name, uid, ns, cancellationToken);
        return true;
    }

    public async IAsyncEnumerable<KubernetesWatchEvent<T>> WatchAsync<T>(
        string? labelSelector = null, string? resourceVersion = null, string? ns = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var resource = KubernetesResource.Of<T>();
        Exception? failure = null;
        var events = resource.Namespaced
            ? _api.CustomObjects.WatchListNamespacedCustomObjectAsync(resource.Group, resource.Version, NamespaceOf(ns), resource.Plural,
                allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion, onError: e => failure ??= e, cancellationToken: cancellationToken)
            : _api.CustomObjects.WatchListClusterCustomObjectAsync(resource.Group, resource.Version, resource.Plural,
                allowWatchBookmarks: true, labelSelector: labelSelector, resourceVersion: resourceVersion, onError: e => failure ??= e, cancellationToken: cancellationToken);
        await using var enumerator = events.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            bool more;
            try
            {
                more = await enumerator.MoveNextAsync();
            }
            catch (HttpOperationException ex) when (ex.StatusCode() == HttpStatusCode.Gone)
            {
                throw new KubernetesWatchExpiredException(ex.Status() ?? new V1Status { Code = 410, Reason = "Gone", Message = ex.Message }, resourceVersion, ex);
            }
            ThrowIfFailed(failure, resourceVersion);
            if (!more)
                yield break;
            var (type, raw) = enumerator.Current;
            if (raw is not JsonElement element)
                continue;
            yield return new KubernetesWatchEvent<T>(type, KubernetesJson.Deserialize<T>(element));
        }
    }

    public async Task<string?> ReadPodLogAsync(string pod, PodLogOptions? options = null, string? ns = null, CancellationToken cancellationToken = default)
    {
        RequireName(pod);
        options ??= new PodLogOptions();
        try
        {
            await using var stream = await _api.CoreV1.ReadNamespacedPodLogAsync(pod, NamespaceOf(ns), container: options.Container, follow: false,
                limitBytes: options.LimitBytes > 0 ? options.LimitBytes : null, previous: options.Previous ? true : null, tailLines: options.TailLines,
                cancellationToken: cancellationToken);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return await reader.ReadToEndAsync(cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.IsNotFound())
        {
            return null;
        }
    }

    public Task<ServiceProxyResponse> PostToServiceAsync(string service, string port, string path, HttpContent content, string? ns = null, CancellationToken cancellationToken = default) =>
        ProxyAsync(HttpMethod.Post, service, port, path, content, ns, cancellationToken);

    public Task<ServiceProxyResponse> GetFromServiceAsync(string service, string port, string path, string? ns = null, CancellationToken cancellationToken = default) =>
        ProxyAsync(HttpMethod.Get, service, port, path, null, ns, cancellationToken);

    public async Task<KubernetesAccess> ReviewAccessAsync(string verb, string resource, string group = "", string? subresource = null, string? ns = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(verb);
        ArgumentException.ThrowIfNullOrWhiteSpace(resource);
        var review = await _api.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(new V1SelfSubjectAccessReview
        {
            ApiVersion = "authorization.k8s.io/v1",
            Kind = "SelfSubjectAccessReview",
            Spec = new V1SelfSubjectAccessReviewSpec
            {
                ResourceAttributes = new V1ResourceAttributes
                {
                    Verb = verb,
                    Resource = resource,
                    Group = group,
                    Subresource = subresource,
                    NamespaceProperty = NamespaceOf(ns),
                },
            },
        }, cancellationToken: cancellationToken);
        if (review.Status?.Allowed == true)
            return KubernetesAccess.Granted;
        var reason = review.Status?.Reason is { Length: > 0 } why ? why : review.Status?.EvaluationError;
        return new KubernetesAccess(false, reason is { Length: > 0 }
            ? reason
            : $"cannot {verb} {(group.Length == 0 ? resource : $"{resource}.{group}")} in namespace {NamespaceOf(ns)}");
    }

    public async Task<KubernetesAccess> CanListAsync<T>(string? ns = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var resource = KubernetesResource.Of<T>();
        try
        {
            await _api.CustomObjects.ListNamespacedCustomObjectAsync(resource.Group, resource.Version, NamespaceOf(ns), resource.Plural, limit: 1, cancellationToken: cancellationToken);
            return KubernetesAccess.Granted;
        }
        catch (HttpOperationException ex) when (ex.StatusCode() is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            return new KubernetesAccess(false, ex.Status()?.Message ?? $"{(int)ex.StatusCode()!} listing {resource.Plural} in namespace {NamespaceOf(ns)}");
        }
    }

    public void Dispose() => _api.Dispose();

    private async Task<T> PatchAsync<T>(KubernetesResource resource, string name, V1Patch patch, string? ns, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        try
        {
            return resource.Namespaced
                ? await _api.CustomObjects.PatchNamespacedCustomObjectAsync<T>(patch, resource.Group, resource.Version, NamespaceOf(ns), resource.Plural, name, cancellationToken: cancellationToken)
                : await _api.CustomObjects.PatchClusterCustomObjectAsync<T>(patch, resource.Group, resource.Version, resource.Plural, name, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.StatusCode() == HttpStatusCode.Conflict)
        {
            throw KubernetesConflictException.From(ex);
        }
    }

    private async Task<ServiceProxyResponse> ProxyAsync(HttpMethod method, string service, string port, string path, HttpContent? content, string? ns, CancellationToken cancellationToken)
    {
        if (!KubernetesNames.IsLabel(service))
            throw new ArgumentException($"'{service}' is not a Service name (a DNS-1123 label).", nameof(service));
        ArgumentException.ThrowIfNullOrWhiteSpace(port);
        if (port.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-'))
            throw new ArgumentException($"'{port}' is not a port number or name.", nameof(port));
        var relative = path.TrimStart('/');
        if (relative.Split('/', '?')[0].Split('/').Any(segment => segment == ".."))
            throw new ArgumentException($"The proxied path '{path}' may not leave the Service.", nameof(path));
        var target = new Uri(_api.BaseUri, $"api/v1/namespaces/{Uri.EscapeDataString(NamespaceOf(ns))}/services/{service}:{port}/proxy/{relative}");
        using var request = new HttpRequestMessage(method, target) { Content = content };
        if (_api.Credentials is { } credentials)
            await credentials.ProcessHttpRequestAsync(request, cancellationToken);
        using var response = await _api.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var body = await ReadBoundedAsync(response.Content, cancellationToken);
        return new ServiceProxyResponse(response.StatusCode, response.Content.Headers.ContentType?.ToString(), body);
    }

    private static async Task<string> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxProxyBodyBytes + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
            read += n;
        if (read > MaxProxyBodyBytes)
            throw new InvalidDataException($"The service answered more than {MaxProxyBodyBytes} bytes through the proxy; answers this large are not read.");
        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    // The uid of the object a delete answered with, when it is an object still being deleted rather than a Status.
    private static string? DeletingUid(object answer)
    {
        if (answer is not JsonElement { ValueKind: JsonValueKind.Object } element)
            return null;
        if (element.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() == "Status")
            return null;
        return element.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
               && metadata.TryGetProperty("uid", out var uid) && uid.ValueKind == JsonValueKind.String
            ? uid.GetString()
            : null;
    }

    // Until the object of that uid is gone (a new object of the same name counts as gone); the caller's token bounds it.
    private async Task WaitUntilGoneAsync<T>(string name, string uid, string? ns, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var pause = TimeSpan.FromMilliseconds(50);
        while (await GetAsync<T>(name, ns, cancellationToken) is { } current && current.Metadata?.Uid == uid)
        {
            await Task.Delay(pause, cancellationToken);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }
    }

    private static void ThrowIfFailed(Exception? failure, string? resourceVersion)
    {
        switch (failure)
        {
            case null:
                return;
            case KubernetesException { Status.Code: 410 } expired:
                throw new KubernetesWatchExpiredException(expired.Status, resourceVersion, expired);
            default:
                throw failure;
        }
    }

    // A patch that carried the read's bookkeeping would act as a precondition (resourceVersion) or touch fields the
    // server owns; the desired state is everything else.
    private static string PatchBody<T>(T obj)
    {
        var node = JsonNode.Parse(KubernetesJson.Serialize(obj))!.AsObject();
        node.Remove("status");
        if (node["metadata"] is JsonObject metadata)
        {
            foreach (var owned in new[] { "resourceVersion", "uid", "creationTimestamp", "generation", "managedFields", "selfLink" })
                metadata.Remove(owned);
        }
        return node.ToJsonString();
    }

    private static KubernetesResource Described<T>(T obj)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(obj);
        var resource = KubernetesResource.Of<T>();
        if (obj.Metadata is null || string.IsNullOrWhiteSpace(obj.Metadata.Name))
            throw new ArgumentException($"The {resource.Kind} needs metadata.name.", nameof(obj));
        obj.ApiVersion ??= resource.ApiVersion;
        obj.Kind ??= resource.Kind;
        return resource;
    }

    private string NamespaceOf(string? ns) => string.IsNullOrWhiteSpace(ns) ? DefaultNamespace : ns;

    private static void RequireName(string name) => ArgumentException.ThrowIfNullOrWhiteSpace(name);
}
