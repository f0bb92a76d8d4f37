using System.Text.Json.Nodes;
using Mlops.Sandbox.Kubernetes.Access;
using Mlops.Sandbox.Kubernetes.Patching;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>
/// The API server's rules between the HTTP API (and the controllers) and the store: metadata a server owns, defaulting,
/// admission, validation, generation, the status subresource, optimistic concurrency, patches, dry runs, namespaces,
/// deletion (finalizers, graceful pod deletion, propagation) and the garbage collector's background cascade.
/// </summary>
public sealed class KubernetesRegistry
{
    /// <summary>The finalizer a foreground deletion puts on the owner until its blocking dependents are gone.</summary>
    public const string ForegroundFinalizer = "foregroundDeletion";

    private static readonly string[] SystemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    // Namespaces the API server refuses to delete.
    private static readonly string[] UndeletableNamespaces = ["default", "kube-system", "kube-public"];

    // Metadata a client cannot change by writing the object.
    private static readonly string[] ServerOwnedMetadata = ["name", "namespace", "uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds"];

    public KubernetesRegistry(ObjectStore store)
    {
        Store = store;
        foreach (var name in SystemNamespaces)
            Create(ResourceCatalog.Namespaces, null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } });
        foreach (var (type, obj) in BootstrapPolicy.Objects())
            Create(type, null, obj);
        var node = Create(ResourceCatalog.Nodes, null, Pods.NodeDescription.Node());
        Store.Update(ResourceCatalog.Nodes, null, node.Name(), n =>
        {
            n["status"] = Pods.NodeDescription.Status();
            return n;
        });
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

    public JsonObject Create(ResourceType type, string? ns, JsonObject body, bool dryRun = false)
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
        DropNulls(obj);
        Admit(type, obj);
        if (string.IsNullOrEmpty(metadata.String("name")) && metadata.String("generateName") is { Length: > 0 } prefix)
            metadata["name"] = prefix + NameSuffix.Next();
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = ObjectMeta.Timestamp(DateTimeOffset.UtcNow);
        metadata.Remove("resourceVersion");
        metadata.Remove("deletionTimestamp");
        metadata.Remove("deletionGracePeriodSeconds");
        if (type.TracksGeneration)
            metadata["generation"] = 1;
        else
            metadata.Remove("generation");
        if (type.HasStatusSubresource && type != ResourceCatalog.Namespaces)
            obj.Remove("status");
        // Defaults that depend on the uid (a Job's selector, a Service's address) come once it is known.
        ObjectDefaults.Apply(type, obj, null);
        ObjectDefaults.InitialStatus(type, obj);
        ObjectValidation.Validate(type, obj, null);
        if (dryRun)
        {
            if (Store.Get(type, ns, obj.Name()) is not null)
                throw KubernetesApiException.AlreadyExists(type, obj.Name());
            return obj;
        }
        var created = Store.Create(type, obj);
        if (type == ResourceCatalog.Namespaces)
            EnsureDefaultServiceAccount(created.Name());
        return created;
    }

    /// <summary>PUT: replaces the object; a resourceVersion that is not the stored one gets 409 Conflict.</summary>
    public JsonObject Replace(ResourceType type, string? ns, string name, JsonObject body, bool statusOnly, bool dryRun = false) =>
        Update(type, ns, name, statusOnly, checkVersion: true, dryRun, _ => body.DeepClone().AsObject());

    /// <summary>PATCH with the media types the API server accepts.</summary>
    public JsonObject Patch(ResourceType type, string? ns, string name, string contentType, JsonNode patch, bool statusOnly, bool dryRun = false)
    {
        var mediaType = contentType.Split(';')[0].Trim();
        if (mediaType == "application/apply-patch+yaml" && Store.Get(type, ns, name) is null && !statusOnly)
            return Create(type, ns, patch as JsonObject ?? throw KubernetesApiException.BadRequest("apply patch must be an object"), dryRun);
        return Update(type, ns, name, statusOnly, checkVersion: true, dryRun, current =>
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
        Update(type, ns, name, statusOnly, checkVersion: false, dryRun: false, current =>
        {
            change(current);
            return current;
        });

    /// <summary>Deletes with the default options (background propagation, the pod's own grace period).</summary>
    public JsonObject Delete(ResourceType type, string? ns, string name) => Delete(type, ns, name, DeleteOptions.Background).Object;

    /// <summary>
    /// Deletes as the API server does: an object with finalizers, a bound pod within its grace period, a namespace and an
    /// owner deleted in the foreground stay with <c>metadata.deletionTimestamp</c> until what holds them is done;
    /// everything else goes at once, and its dependents follow in the background (or are orphaned).
    /// </summary>
    public DeleteOutcome Delete(ResourceType type, string? ns, string name, DeleteOptions options)
    {
        var current = Get(type, ns, name);
        if (options.PreconditionUid is { } uid && uid != current.Uid())
            throw KubernetesApiException.PreconditionFailed(type, name, "UID", uid, current.Uid());
        if (options.PreconditionResourceVersion is { } version && version != current.Metadata().String("resourceVersion"))
            throw KubernetesApiException.PreconditionFailed(type, name, "ResourceVersion", version, current.Metadata().String("resourceVersion") ?? "");
        if (type == ResourceCatalog.Namespaces && UndeletableNamespaces.Contains(name))
            throw KubernetesApiException.Forbidden(type, name, "this namespace may not be deleted");
        if (options.DryRun)
            return new DeleteOutcome(current, Removed: false);

        var deleting = current["metadata"]?["deletionTimestamp"] is not null;
        if (type == ResourceCatalog.Namespaces)
            return new DeleteOutcome(deleting ? current : MarkDeleting(type, ns, name, 0, finalizer: null, namespacePhase: true), Removed: false);

        var policy = options.PropagationPolicy ?? "Background";
        if (policy == "Orphan" && !deleting)
            Orphan(current.Uid());

        if (type == ResourceCatalog.Pods && !string.IsNullOrEmpty(current["spec"].String("nodeName")))
        {
            // A bound pod is deleted gracefully: the kubelet stops its containers, then deletes it with grace 0.
            var grace = options.GracePeriodSeconds ?? current["spec"].Number("terminationGracePeriodSeconds") ?? 30;
            if (grace > 0)
            {
                var held = deleting ? current : MarkDeleting(type, ns, name, grace, finalizer: null, namespacePhase: false);
                return new DeleteOutcome(held, Removed: false);
            }
            if (Finalizers(current).Count > 0)
                return new DeleteOutcome(MarkDeleting(type, ns, name, 0, finalizer: null, namespacePhase: false), Removed: false);
        }
        if (policy == "Foreground" && !deleting)
            return new DeleteOutcome(MarkDeleting(type, ns, name, 0, ForegroundFinalizer, namespacePhase: false), Removed: false);
        if (Finalizers(current).Count > 0)
            return new DeleteOutcome(deleting ? current : MarkDeleting(type, ns, name, 0, finalizer: null, namespacePhase: false), Removed: false);
        return new DeleteOutcome(Remove(type, ns, name), Removed: true);
    }

    /// <summary>Takes a finalizer off an object; the last one gone lets a deleting object go.</summary>
    public void RemoveFinalizer(ResourceType type, string? ns, string name, string finalizer)
    {
        if (Find(type, ns, name) is not { } found || !Finalizers(found).Contains(finalizer))
            return;
        Mutate(type, ns, name, statusOnly: false, o =>
        {
            var remaining = Finalizers(o).Where(f => f != finalizer).ToList();
            if (remaining.Count == 0)
                o.Metadata().Remove("finalizers");
            else
                o.Metadata()["finalizers"] = new JsonArray(remaining.Select(f => (JsonNode)f).ToArray());
        });
    }

    /// <summary>The finalizers in <c>metadata.finalizers</c>.</summary>
    public static IReadOnlyList<string> Finalizers(JsonObject obj) =>
        (obj["metadata"]?["finalizers"] as JsonArray ?? []).Select(f => f?.ToString() ?? "").ToList();

    /// <summary>True once a delete has been accepted for the object.</summary>
    public static bool IsDeleting(JsonObject obj) => obj["metadata"]?["deletionTimestamp"] is not null;

    private JsonObject MarkDeleting(ResourceType type, string? ns, string name, long grace, string? finalizer, bool namespacePhase) =>
        Store.Update(type, ns, name, o =>
        {
            var metadata = o.Metadata();
            // A shorter grace (the kubelet's final grace 0) moves the deletion time earlier, never later.
            var at = DateTimeOffset.UtcNow.AddSeconds(grace);
            if (ObjectMeta.ParseTimestamp(metadata.String("deletionTimestamp")) is { } earlier && earlier < at)
                at = earlier;
            metadata["deletionTimestamp"] = ObjectMeta.Timestamp(at);
            metadata["deletionGracePeriodSeconds"] = grace;
            if (finalizer is not null && !Finalizers(o).Contains(finalizer))
            {
                var list = metadata["finalizers"] as JsonArray ?? [];
                list.Add(finalizer);
                metadata["finalizers"] = list;
            }
            if (namespacePhase)
                o.Child("status")["phase"] = "Terminating";
            return o;
        });

    // The object leaves the store; the garbage collector's background cascade follows.
    private JsonObject Remove(ResourceType type, string? ns, string name)
    {
        var removed = Store.Delete(type, ns, name);
        CollectGarbage(removed.Uid());
        return removed;
    }

    // Dependents whose every owner is gone are deleted; a dependent with another live owner only loses the dangling reference.
    private void CollectGarbage(string ownerUid)
    {
        foreach (var (type, owned) in Store.OwnedBy(ownerUid))
        {
            if (Store.Get(type, owned.Namespace(), owned.Name()) is not { } dependent)
                continue;
            var owners = OwnerUids(dependent);
            if (owners.Any(uid => uid != ownerUid && OwnerExists(dependent, uid)))
            {
                DropOwnerReference(type, dependent, ownerUid);
                continue;
            }
            if (!IsDeleting(dependent))
            {
                try
                {
                    Delete(type, owned.Namespace(), owned.Name(), new DeleteOptions { PropagationPolicy = Finalizers(dependent).Contains(ForegroundFinalizer) ? "Foreground" : "Background" });
                }
                catch (KubernetesApiException gone) when (gone.Code == 404)
                {
                    // Deleted meanwhile by someone else.
                }
            }
        }
    }

    // Orphan propagation: the dependents stay, without the reference to the owner being deleted.
    private void Orphan(string ownerUid)
    {
        foreach (var (type, owned) in Store.OwnedBy(ownerUid))
            DropOwnerReference(type, owned, ownerUid);
    }

    private void DropOwnerReference(ResourceType type, JsonObject dependent, string ownerUid)
    {
        try
        {
            Mutate(type, dependent.Namespace(), dependent.Name(), statusOnly: false, d =>
            {
                var kept = (d["metadata"]?["ownerReferences"] as JsonArray ?? []).Where(r => r.String("uid") != ownerUid).Select(r => r!.DeepClone()).ToArray();
                if (kept.Length == 0)
                    d.Metadata().Remove("ownerReferences");
                else
                    d.Metadata()["ownerReferences"] = new JsonArray(kept);
            });
        }
        catch (KubernetesApiException gone) when (gone.Code == 404)
        {
            // Gone already: nothing to orphan.
        }
    }

    /// <summary>The uids in an object's ownerReferences.</summary>
    public static IReadOnlyList<string> OwnerUids(JsonObject obj) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray ?? []).Select(r => r.String("uid") ?? "").ToList();

    private bool OwnerExists(JsonObject dependent, string uid)
    {
        var reference = (dependent["metadata"]?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>().First(r => r.String("uid") == uid);
        var ownerType = ResourceCatalog.FindByKind(reference.String("apiVersion") ?? "", reference.String("kind") ?? "");
        if (ownerType is null)
            return false;
        var owner = Store.Get(ownerType, ownerType.Namespaced ? dependent.Namespace() : null, reference.String("name") ?? "");
        return owner is not null && owner.Uid() == uid;
    }

    private void EnsureDefaultServiceAccount(string ns)
    {
        // What the service account controller does for every namespace; a pod without serviceAccountName runs as it.
        if (Store.Get(ResourceCatalog.ServiceAccounts, ns, "default") is null)
            Create(ResourceCatalog.ServiceAccounts, ns, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "default" } });
    }

    // Admission: what the API server's plugins refuse or add before validation.
    private void Admit(ResourceType type, JsonObject obj)
    {
        if (type != ResourceCatalog.Pods)
            return;
        var account = obj["spec"].String("serviceAccountName") ?? "default";
        var ns = obj.Namespace();
        if (Store.Get(ResourceCatalog.ServiceAccounts, ns, account) is null)
        {
            var name = obj.Name() is { Length: > 0 } given ? given : obj["metadata"].String("generateName") ?? "";
            throw KubernetesApiException.Forbidden(type, name, $"error looking up service account {ns}/{account}: serviceaccount \"{account}\" not found");
        }
    }

    private JsonObject Update(ResourceType type, string? ns, string name, bool statusOnly, bool checkVersion, bool dryRun, Func<JsonObject, JsonObject> produce)
    {
        var removed = false;
        var updated = Store.Update(type, ns, name, current =>
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
            if (IsDeleting(current) && Finalizers(result).Except(Finalizers(current)).Any())
                throw KubernetesApiException.Forbidden(type, name, "no new finalizers can be added if the object is being deleted, found new finalizers [" + string.Join(' ', Finalizers(result).Except(Finalizers(current))) + "]");
            DropNulls(result);
            ObjectDefaults.Apply(type, result, current);
            ObjectValidation.Validate(type, result, current);
            if (type.TracksGeneration && !statusOnly && SpecChanged(current, result))
                resultMetadata["generation"] = current.Generation() + 1;
            return result;
        }, commit: !dryRun, removeWhen: o => (removed = IsDeleting(o) && Finalizers(o).Count == 0 && type != ResourceCatalog.Namespaces
            && (type != ResourceCatalog.Pods || string.IsNullOrEmpty(o["spec"].String("nodeName")) || (o["metadata"].Number("deletionGracePeriodSeconds") ?? 0) == 0)));
        // A deleting object whose last finalizer went was removed by that update, as the API server does; its dependents follow.
        if (removed)
            CollectGarbage(updated.Uid());
        return updated;
    }

    /// <summary>Removes a namespace whose content is gone; its finalizer <c>kubernetes</c> is the namespace controller's.</summary>
    internal void RemoveNamespace(string name) => Remove(ResourceCatalog.Namespaces, null, name);

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
}
