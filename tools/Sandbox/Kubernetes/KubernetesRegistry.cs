using System.Text.Json.Nodes;
using Mlops.Sandbox.Kubernetes.Patching;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>
/// The API server's rules between the HTTP API (and the controllers) and the store: metadata a server owns, defaulting,
/// validation, generation, the status subresource, optimistic concurrency, patches, namespaces and garbage collection.
/// </summary>
public sealed class KubernetesRegistry
{
    private static readonly string[] SystemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    // Metadata a client cannot change by writing the object.
    private static readonly string[] ServerOwnedMetadata = ["name", "namespace", "uid", "creationTimestamp", "generation", "deletionTimestamp"];

    public KubernetesRegistry(ObjectStore store)
    {
        Store = store;
        foreach (var name in SystemNamespaces)
            Create(ResourceCatalog.Namespaces, null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } });
    }

    public ObjectStore Store { get; }

    public JsonObject Get(ResourceType type, string? ns, string name) =>
        Store.Get(type, ns, name) ?? throw KubernetesApiException.NotFound(type, name);

    public JsonObject? Find(ResourceType type, string? ns, string name) => Store.Get(type, ns, name);

    public (IReadOnlyList<JsonObject> Items, long Version) List(ResourceType type, string? ns, LabelSelector? labels = null, FieldSelector? fields = null)
    {
        var (items, version) = Store.List(type, ns);
        return (items.Where(o => (labels ?? LabelSelector.Everything).Matches(o) && (fields?.Matches(o) ?? true)).ToList(), version);
    }

    public JsonObject Create(ResourceType type, string? ns, JsonObject body)
    {
        var obj = body.DeepClone().AsObject();
        CheckKind(type, obj);
        var metadata = obj.Metadata();
        if (type.Namespaced)
        {
            var declared = metadata.String("namespace") is { Length: > 0 } given ? given : null;
            if (declared is not null && ns is not null && declared != ns)
                throw KubernetesApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            ns ??= declared ?? "default";
            metadata["namespace"] = ns;
            var owner = Store.Get(ResourceCatalog.Namespaces, null, ns) ?? throw KubernetesApiException.NotFound(ResourceCatalog.Namespaces, ns);
            if (owner["metadata"]?["deletionTimestamp"] is not null)
                throw KubernetesApiException.Forbidden(type, obj.Name(), $"unable to create new content in namespace {ns} because it is being terminated");
        }
        else
            metadata.Remove("namespace");
        if (string.IsNullOrEmpty(metadata.String("name")) && metadata.String("generateName") is { Length: > 0 } prefix)
            metadata["name"] = prefix + RandomSuffix();
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = ObjectMeta.Timestamp(DateTimeOffset.UtcNow);
        metadata.Remove("resourceVersion");
        metadata.Remove("deletionTimestamp");
        if (type.TracksGeneration)
            metadata["generation"] = 1;
        else
            metadata.Remove("generation");
        if (type.HasStatusSubresource && type != ResourceCatalog.Namespaces)
            obj.Remove("status");
        DropNulls(obj);
        ObjectDefaults.Apply(type, obj, null);
        ObjectValidation.Validate(type, obj, null);
        return Store.Create(type, obj);
    }

    /// <summary>PUT: replaces the object; a resourceVersion that is not the stored one gets 409 Conflict.</summary>
    public JsonObject Replace(ResourceType type, string? ns, string name, JsonObject body, bool statusOnly) =>
        Update(type, ns, name, statusOnly, checkVersion: true, _ => body.DeepClone().AsObject());

    /// <summary>PATCH with the media types the API server accepts.</summary>
    public JsonObject Patch(ResourceType type, string? ns, string name, string contentType, JsonNode patch, bool statusOnly)
    {
        var mediaType = contentType.Split(';')[0].Trim();
        if (mediaType == "application/apply-patch+yaml" && Store.Get(type, ns, name) is null && !statusOnly)
            return Create(type, ns, patch as JsonObject ?? throw KubernetesApiException.BadRequest("apply patch must be an object"));
        return Update(type, ns, name, statusOnly, checkVersion: true, current =>
        {
            try
            {
                return mediaType switch
                {
                    "application/merge-patch+json" => (JsonObject)JsonMergePatch.Apply(current, patch)!,
                    "application/json-patch+json" => (JsonObject)JsonPatch.Apply(current, patch as JsonArray ?? throw KubernetesApiException.BadRequest("json patch must be a list")),
                    // Custom resources have no Go types to carry patch strategies: the real server refuses this.
                    "application/strategic-merge-patch+json" when type.IsCustom => throw KubernetesApiException.UnsupportedMediaType(mediaType),
                    "application/strategic-merge-patch+json" => StrategicMergePatch.Apply(current, patch as JsonObject ?? throw KubernetesApiException.BadRequest("patch must be an object")),
                    // Server-side apply without field ownership: the applied configuration merges like a strategic patch.
                    "application/apply-patch+yaml" => type.IsCustom
                        ? (JsonObject)JsonMergePatch.Apply(current, patch)!
                        : StrategicMergePatch.Apply(current, patch as JsonObject ?? throw KubernetesApiException.BadRequest("patch must be an object")),
                    _ => throw KubernetesApiException.UnsupportedMediaType(mediaType),
                };
            }
            catch (KubernetesPatchException failed)
            {
                throw KubernetesApiException.Invalid(type, name, [new StatusCause("FieldValueInvalid", "", failed.Message)]);
            }
        });
    }

    /// <summary>A controller's read-modify-write: no version check, the change runs on the latest object.</summary>
    public JsonObject Mutate(ResourceType type, string? ns, string name, bool statusOnly, Action<JsonObject> change) =>
        Update(type, ns, name, statusOnly, checkVersion: false, current =>
        {
            change(current);
            return current;
        });

    public JsonObject Delete(ResourceType type, string? ns, string name)
    {
        if (type == ResourceCatalog.Namespaces)
            return DeleteNamespace(name);
        var deleted = Store.Delete(type, ns, name);
        CollectGarbage(deleted.Uid());
        return deleted;
    }

    // A namespace is marked Terminating, its content removed, then it goes; the caller sees it Terminating.
    private JsonObject DeleteNamespace(string name)
    {
        var terminating = Mutate(ResourceCatalog.Namespaces, null, name, statusOnly: false, ns =>
        {
            ns.Metadata()["deletionTimestamp"] = ObjectMeta.Timestamp(DateTimeOffset.UtcNow);
            ns.Child("status")["phase"] = "Terminating";
        });
        foreach (var type in ResourceCatalog.All.Where(t => t.Namespaced))
        {
            foreach (var item in Store.List(type, name).Items)
            {
                if (Store.Get(type, name, item.Name()) is not null)
                    Delete(type, name, item.Name());
            }
        }
        Store.Delete(ResourceCatalog.Namespaces, null, name);
        return terminating;
    }

    // Background cascading deletion: what the garbage collector does for ownerReferences.
    private void CollectGarbage(string ownerUid)
    {
        foreach (var (type, owned) in Store.OwnedBy(ownerUid))
        {
            if (Store.Get(type, owned.Namespace(), owned.Name()) is not null)
                Delete(type, owned.Namespace(), owned.Name());
        }
    }

    private JsonObject Update(ResourceType type, string? ns, string name, bool statusOnly, bool checkVersion, Func<JsonObject, JsonObject> produce) =>
        Store.Update(type, ns, name, current =>
        {
            var desired = produce(current.DeepClone().AsObject());
            CheckKind(type, desired);
            var metadata = desired.Metadata();
            if (metadata.String("name") is { } bodyName && bodyName != name)
                throw KubernetesApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
            if (checkVersion && metadata.String("resourceVersion") is { Length: > 0 } version && version != current.Metadata().String("resourceVersion"))
                throw KubernetesApiException.Conflict(type, name);

            JsonObject result;
            if (statusOnly)
            {
                result = current.DeepClone().AsObject();
                result["status"] = desired["status"]?.DeepClone();
            }
            else
            {
                result = desired;
                if (type.HasStatusSubresource && type != ResourceCatalog.Namespaces)
                    result["status"] = current["status"]?.DeepClone();
                if (result["status"] is null)
                    result.Remove("status");
            }
            var resultMetadata = result.Metadata();
            foreach (var owned in ServerOwnedMetadata)
            {
                if (current["metadata"]?[owned] is { } kept)
                    resultMetadata[owned] = kept.DeepClone();
                else
                    resultMetadata.Remove(owned);
            }
            DropNulls(result);
            ObjectDefaults.Apply(type, result, current);
            ObjectValidation.Validate(type, result, current);
            if (type.TracksGeneration && !statusOnly && SpecChanged(current, result))
                resultMetadata["generation"] = current.Generation() + 1;
            return result;
        });

    // Generation counts changes of everything but metadata and status.
    private static bool SpecChanged(JsonObject before, JsonObject after)
    {
        static JsonObject Spec(JsonObject o)
        {
            var copy = o.DeepClone().AsObject();
            copy.Remove("metadata");
            copy.Remove("status");
            return copy;
        }
        return !JsonNode.DeepEquals(Spec(before), Spec(after));
    }

    // Decoding into API types turns a null into "not set" (e.g. the creationTimestamp: null kubectl writes in templates).
    private static void DropNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Where(p => p.Value is null).Select(p => p.Key).ToList())
                    obj.Remove(key);
                foreach (var (_, value) in obj)
                    DropNulls(value);
                break;
            case JsonArray array:
                foreach (var item in array)
                    DropNulls(item);
                break;
        }
    }

    private static void CheckKind(ResourceType type, JsonObject obj)
    {
        var kind = obj.String("kind");
        var apiVersion = obj.String("apiVersion");
        if ((kind is not null && kind != type.Kind) || (apiVersion is not null && apiVersion != type.ApiVersion))
            throw KubernetesApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion})");
        obj["apiVersion"] = type.ApiVersion;
        obj["kind"] = type.Kind;
        // apiVersion and kind come first, as the API server writes them.
        var rest = obj.Where(p => p.Key is not ("apiVersion" or "kind")).Select(p => (p.Key, Value: p.Value?.DeepClone())).ToList();
        foreach (var (key, _) in rest)
            obj.Remove(key);
        foreach (var (key, value) in rest)
            obj[key] = value;
    }

    private static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Concat(Enumerable.Range(0, 5).Select(_ => alphabet[Random.Shared.Next(alphabet.Length)]));
    }
}
