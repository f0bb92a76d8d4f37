using System.Globalization;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>
/// Writes core/v1 Events for what the controllers and the kubelet do (what <c>kubectl describe</c> and <c>kubectl get
/// events</c> show): a repeat of the same reason and message for the same object counts up the existing Event, and
/// Events older than an hour are removed, as the API server's event TTL does.
/// </summary>
public sealed class EventRecorder(KubernetesRegistry registry)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromHours(1);
    private readonly Lock _gate = new();
    // The event each (object, reason, message, type) was last counted in, so a repeat bumps its count without reading
    // (and copying) every event of the namespace: that grew with every pod a run started. Rebuilt at each sweep.
    private readonly Dictionary<(string Namespace, string? Uid, string Reason, string Message, string Type), string> _recorded = [];
    private DateTimeOffset _lastSweep = DateTimeOffset.UtcNow;

    public void Normal(JsonObject involved, string reason, string message, string component) => Record(involved, "Normal", reason, message, component);

    public void Warning(JsonObject involved, string reason, string message, string component) => Record(involved, "Warning", reason, message, component);

    private void Record(JsonObject involved, string type, string reason, string message, string component)
    {
        var ns = involved.Namespace() ?? "default";
        var now = DateTimeOffset.UtcNow;
        var stamp = ObjectMeta.Timestamp(now);
        lock (_gate)
        {
            try
            {
                var key = (ns, involved.Uid(), reason, message, type);
                if (!_recorded.TryGetValue(key, out var name) || !Bump(ns, name, stamp))
                {
                    var host = component == "kubelet" ? Pods.Kubelet.NodeName : null;
                    var eventName = $"{involved.Name()}.{now.UtcTicks.ToString("x", CultureInfo.InvariantCulture)}";
                    registry.Create(ResourceCatalog.Events, ns, new JsonObject
                    {
                        ["metadata"] = new JsonObject
                        {
                            ["name"] = eventName,
                            ["namespace"] = ns,
                        },
                        ["involvedObject"] = new JsonObject
                        {
                            ["kind"] = involved.String("kind"),
                            ["namespace"] = involved.Namespace(),
                            ["name"] = involved.Name(),
                            ["uid"] = involved.Uid(),
                            ["apiVersion"] = involved.String("apiVersion"),
                            ["resourceVersion"] = involved["metadata"].String("resourceVersion"),
                        },
                        ["reason"] = reason,
                        ["message"] = message,
                        ["source"] = host is null ? new JsonObject { ["component"] = component } : new JsonObject { ["component"] = component, ["host"] = host },
                        ["firstTimestamp"] = stamp,
                        ["lastTimestamp"] = stamp,
                        ["count"] = 1,
                        ["type"] = type,
                        ["reportingComponent"] = component,
                        ["reportingInstance"] = host ?? "",
                    });
                    _recorded[key] = eventName;
                }
                if (now - _lastSweep > TimeSpan.FromMinutes(1))
                    Sweep(now);
            }
            catch (KubernetesApiException refused) when (refused.Code is 403 or 404 or 409)
            {
                // The namespace is terminating or gone, or the event moved meanwhile: events are best effort, as on a cluster.
            }
        }
    }

    // False when the event is gone (deleted by hand, or with its namespace): then a new one is recorded, as a cluster does.
    private bool Bump(string ns, string name, string stamp)
    {
        try
        {
            registry.Mutate(ResourceCatalog.Events, ns, name, statusOnly: false, e =>
            {
                e["count"] = (e.Number("count") ?? 1) + 1;
                e["lastTimestamp"] = stamp;
            });
            return true;
        }
        catch (KubernetesApiException gone) when (gone.Code == 404)
        {
            return false;
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        _lastSweep = now;
        var events = registry.List(ResourceCatalog.Events, null).Items;
        _recorded.Clear();
        foreach (var e in events.Where(e => ObjectMeta.ParseTimestamp(e.String("lastTimestamp")) >= now - Ttl))
        {
            _recorded[(e.Namespace() ?? "default", e["involvedObject"].String("uid"), e.String("reason") ?? "", e.String("message") ?? "",
                e.String("type") ?? "")] = e.Name()!;
        }
        foreach (var expired in events.Where(e => ObjectMeta.ParseTimestamp(e.String("lastTimestamp")) < now - Ttl))
        {
            try
            {
                registry.Delete(ResourceCatalog.Events, expired.Namespace(), expired.Name());
            }
            catch (KubernetesApiException gone) when (gone.Code == 404)
            {
                // Removed by someone else.
            }
        }
    }
}
