using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>
/// The objects of the API server (etcd's part): one resourceVersion sequence for everything, a bounded history of
/// changes for watches, and live subscriptions. Objects go in and out as copies.
/// </summary>
public sealed class ObjectStore(int historyLimit)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ResourceType, SortedDictionary<string, JsonObject>> _objects = [];
    private readonly Queue<StoreEvent> _history = new();
    private readonly List<StoreSubscription> _subscriptions = [];
    private long _version;
    private long _compactedThrough;

    public long CurrentVersion
    {
        get
        {
            lock (_gate)
                return _version;
        }
    }

    public JsonObject? Get(ResourceType type, string? ns, string name)
    {
        lock (_gate)
            return Bucket(type).TryGetValue(Key(ns, name), out var found) ? Copy(found) : null;
    }

    /// <summary>All objects of a type (of one namespace when given) and the version the list is consistent at.</summary>
    public (IReadOnlyList<JsonObject> Items, long Version) List(ResourceType type, string? ns)
    {
        lock (_gate)
        {
            var items = Bucket(type).Values
                .Where(o => ns is null || Namespace(o) == ns)
                .Select(Copy)
                .ToList();
            return (items, _version);
        }
    }

    /// <summary>
    /// The objects of a type as they were at <paramref name="version"/>, rebuilt from the change history, in key order
    /// (namespace, then name), as etcd serves a list at a revision. Throws Expired (410) once that version has been
    /// compacted away.
    /// </summary>
    public IReadOnlyList<JsonObject> ListAt(ResourceType type, string? ns, long version)
    {
        lock (_gate)
        {
            if (version < _compactedThrough)
                throw KubernetesApiException.Expired(version, _compactedThrough + 1);
            var state = new SortedDictionary<string, JsonObject>(Bucket(type), StringComparer.Ordinal);
            foreach (var change in _history.Reverse().TakeWhile(e => e.ResourceVersion > version).Where(e => e.Resource == type))
            {
                var key = Key(change.Namespace, change.Name);
                if (change.Type == "ADDED")
                    state.Remove(key);
                else
                    state[key] = change.Previous!;
            }
            return state.Values.Where(o => ns is null || Namespace(o) == ns).Select(Copy).ToList();
        }
    }

    /// <summary>The oldest version a watch or a consistent list can still start from.</summary>
    public long OldestVersion
    {
        get
        {
            lock (_gate)
                return _compactedThrough;
        }
    }

    /// <summary>Every object of every type whose ownerReferences name <paramref name="ownerUid"/>.</summary>
    public IReadOnlyList<(ResourceType Type, JsonObject Object)> OwnedBy(string ownerUid)
    {
        lock (_gate)
        {
            return _objects
                .SelectMany(b => b.Value.Values.Select(o => (b.Key, o)))
                .Where(p => p.o["metadata"]?["ownerReferences"] is JsonArray refs
                            && refs.Any(r => r?["uid"]?.GetValue<string>() == ownerUid))
                .Select(p => (p.Key, Copy(p.o)))
                .ToList();
        }
    }

    /// <summary>Stores a new object, or throws AlreadyExists; <paramref name="prepare"/> runs under the store lock.</summary>
    public JsonObject Create(ResourceType type, JsonObject obj, Action<JsonObject>? prepare = null)
    {
        lock (_gate)
        {
            var ns = Namespace(obj);
            var name = obj["metadata"]!["name"]!.GetValue<string>();
            var bucket = Bucket(type);
            if (bucket.ContainsKey(Key(ns, name)))
                throw KubernetesApiException.AlreadyExists(type, name);
            var stored = Copy(obj);
            prepare?.Invoke(stored);
            stored["metadata"]!["resourceVersion"] = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
            bucket[Key(ns, name)] = stored;
            Publish(new StoreEvent(_version, "ADDED", type, Copy(stored), null));
            return Copy(stored);
        }
    }

    /// <summary>
    /// Replaces an object with what <paramref name="change"/> makes of a copy of it, atomically. A change that leaves
    /// the object as it was stores nothing and keeps its resourceVersion, as the API server does.
    /// </summary>
    /// <remarks>
    /// With <paramref name="commit"/> false (a dry run) the result is computed and returned, and nothing is stored. When
    /// <paramref name="removeWhen"/> holds for the result (a deleting object whose last finalizer went) the object is
    /// removed instead, and watchers see only its deletion, as etcd's update-turned-delete shows it.
    /// </remarks>
    public JsonObject Update(ResourceType type, string? ns, string name, Func<JsonObject, JsonObject> change, bool commit = true, Func<JsonObject, bool>? removeWhen = null)
    {
        lock (_gate)
        {
            var bucket = Bucket(type);
            if (!bucket.TryGetValue(Key(ns, name), out var current))
                throw KubernetesApiException.NotFound(type, name);
            var updated = change(Copy(current));
            updated["metadata"]!["resourceVersion"] = current["metadata"]!["resourceVersion"]!.DeepClone();
            if (JsonNode.DeepEquals(updated, current) || !commit)
                return commit ? Copy(current) : updated;
            if (removeWhen?.Invoke(updated) == true)
            {
                bucket.Remove(Key(ns, name));
                updated["metadata"]!["resourceVersion"] = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
                Publish(new StoreEvent(_version, "DELETED", type, Copy(updated), Copy(current)));
                return Copy(updated);
            }
            updated["metadata"]!["resourceVersion"] = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
            bucket[Key(ns, name)] = updated;
            Publish(new StoreEvent(_version, "MODIFIED", type, Copy(updated), Copy(current)));
            return Copy(updated);
        }
    }

    public JsonObject Delete(ResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            var bucket = Bucket(type);
            if (!bucket.Remove(Key(ns, name), out var found))
                throw KubernetesApiException.NotFound(type, name);
            var removed = Copy(found);
            // A deleted object's last state carries the version of its deletion, as watchers see it.
            removed["metadata"]!["resourceVersion"] = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Publish(new StoreEvent(_version, "DELETED", type, Copy(removed), Copy(found)));
            return Copy(removed);
        }
    }

    /// <summary>
    /// Starts a feed of changes after <paramref name="fromVersion"/> (null: from now). A version whose following
    /// changes have already left the bounded history throws Expired (410).
    /// </summary>
    public StoreSubscription Subscribe(long? fromVersion)
    {
        lock (_gate)
        {
            if (fromVersion is { } from && from < _compactedThrough)
                throw KubernetesApiException.Expired(from, _compactedThrough + 1);
            var backlog = fromVersion is { } start ? _history.Where(e => e.ResourceVersion > start).ToList() : [];
            StoreSubscription? subscription = null;
            subscription = new StoreSubscription(backlog, s =>
            {
                lock (_gate)
                    _subscriptions.Remove(s);
                s.Channel.Writer.TryComplete();
            });
            _subscriptions.Add(subscription);
            return subscription;
        }
    }

    private void Publish(StoreEvent change)
    {
        _history.Enqueue(change);
        while (_history.Count > historyLimit)
            _compactedThrough = _history.Dequeue().ResourceVersion;
        foreach (var subscription in _subscriptions)
            subscription.Channel.Writer.TryWrite(change);
    }

    private SortedDictionary<string, JsonObject> Bucket(ResourceType type)
    {
        if (!_objects.TryGetValue(type, out var bucket))
            _objects[type] = bucket = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        return bucket;
    }

    private static string Key(string? ns, string name) => $"{ns}/{name}";

    private static string? Namespace(JsonObject obj) => obj["metadata"]?["namespace"]?.GetValue<string>();

    private static JsonObject Copy(JsonObject obj) => obj.DeepClone().AsObject();
}
