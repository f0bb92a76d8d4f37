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
                var existing = registry.List(ResourceCatalog.Events, ns).Items.FirstOrDefault(e =>
                    e["involvedObject"].String("uid") == involved.Uid() && e.String("reason") == reason && e.String("message") == message && e.String("type") == type);
                if (existing is not null)
                {
                    registry.Mutate(ResourceCatalog.Events, ns, existing.Name(), statusOnly: false, e =>
                    {
                        e["count"] = (e.Number("count") ?? 1) + 1;
                        e["lastTimestamp"] = stamp;
                    });
                }
                else
                {
                    var host = component == "kubelet" ? Pods.Kubelet.NodeName : null;
                    registry.Create(ResourceCatalog.Events, ns, new JsonObject
                    {
                        ["metadata"] = new JsonObject
                        {
                            ["name"] = $"{involved.Name()}.{now.UtcTicks.ToString("x", CultureInfo.InvariantCulture)}",
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

    private void Sweep(DateTimeOffset now)
    {
        _lastSweep = now;
        foreach (var expired in registry.List(ResourceCatalog.Events, null).Items.Where(e => ObjectMeta.ParseTimestamp(e.String("lastTimestamp")) < now - Ttl))
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
