using System.Globalization;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>Server-side printing: the <c>meta.k8s.io/v1 Table</c> kubectl asks for, with the columns a real server prints.</summary>
public static class TablePrinter
{
    public static bool Wanted(string? accept) => accept?.Contains("as=Table", StringComparison.Ordinal) == true;

    public static JsonObject Print(ResourceType type, IReadOnlyList<JsonObject> items, long resourceVersion, bool includeObject)
    {
        var columns = Columns(type);
        var rows = new JsonArray();
        foreach (var item in items)
        {
            var cells = new JsonArray(columns.Select(c => (JsonNode?)c.Value(item)).ToArray());
            JsonNode rowObject = includeObject
                ? item.DeepClone()
                : new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = item["metadata"]?.DeepClone(),
                };
            rows.Add(new JsonObject { ["cells"] = cells, ["object"] = rowObject });
        }
        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture) },
            ["columnDefinitions"] = new JsonArray(columns.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["type"] = c.Type,
                ["format"] = c.Name == "Name" ? "name" : "",
                ["description"] = c.Name,
                ["priority"] = c.Priority,
            }).ToArray()),
            ["rows"] = rows,
        };
    }

    private static List<(string Name, string Type, int Priority, Func<JsonObject, JsonNode?> Value)> Columns(ResourceType type)
    {
        if (type == ResourceCatalog.Events)
            return EventColumns();
        var columns = new List<(string, string, int, Func<JsonObject, JsonNode?>)> { ("Name", "string", 0, o => o.Name()) };
        if (type == ResourceCatalog.Pods)
        {
            columns.Add(("Ready", "string", 0, o => PodCells(o).Ready));
            columns.Add(("Status", "string", 0, o => PodCells(o).Status));
            columns.Add(("Restarts", "string", 0, o => PodCells(o).Restarts));
            columns.Add(("Age", "string", 0, o => Age(ObjectMeta.ParseTimestamp(o["metadata"].String("creationTimestamp")))));
            columns.Add(("IP", "string", 1, o => o["status"].String("podIP") ?? "<none>"));
            columns.Add(("Node", "string", 1, o => o["spec"].String("nodeName") ?? "<none>"));
            columns.Add(("Nominated Node", "string", 1, o => o["status"].String("nominatedNodeName") ?? "<none>"));
            columns.Add(("Readiness Gates", "string", 1, _ => "<none>"));
            return columns;
        }
        if (type == ResourceCatalog.Nodes)
        {
            columns.Add(("Status", "string", 0, o => (o["status"]?["conditions"] as JsonArray ?? []).Any(c => c.String("type") == "Ready" && c.String("status") == "True") ? "Ready" : "NotReady"));
            columns.Add(("Roles", "string", 0, o => string.Join(',', (o["metadata"]?["labels"] as JsonObject ?? []).Select(l => l.Key).Where(k => k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal)).Select(k => k["node-role.kubernetes.io/".Length..]).DefaultIfEmpty("<none>"))));
            columns.Add(("Age", "string", 0, o => Age(ObjectMeta.ParseTimestamp(o["metadata"].String("creationTimestamp")))));
            columns.Add(("Version", "string", 0, o => o["status"]?["nodeInfo"].String("kubeletVersion")));
            columns.Add(("Internal-IP", "string", 1, o => (o["status"]?["addresses"] as JsonArray ?? []).FirstOrDefault(a => a.String("type") == "InternalIP").String("address") ?? "<none>"));
            columns.Add(("External-IP", "string", 1, _ => "<none>"));
            columns.Add(("OS-Image", "string", 1, o => o["status"]?["nodeInfo"].String("osImage")));
            columns.Add(("Kernel-Version", "string", 1, o => o["status"]?["nodeInfo"].String("kernelVersion")));
            columns.Add(("Container-Runtime", "string", 1, o => o["status"]?["nodeInfo"].String("containerRuntimeVersion")));
            return columns;
        }
        if (type == ResourceCatalog.ServiceAccounts)
            columns.Add(("Secrets", "string", 0, o => (o["secrets"] as JsonArray)?.Count ?? 0));
        else if (type == ResourceCatalog.Roles || type == ResourceCatalog.ClusterRoles)
        {
            columns.Add(("Created At", "date", 0, o => o["metadata"].String("creationTimestamp")));
            return columns;
        }
        else if (type == ResourceCatalog.RoleBindings || type == ResourceCatalog.ClusterRoleBindings)
        {
            columns.Add(("Role", "string", 0, o => $"{o["roleRef"].String("kind")}/{o["roleRef"].String("name")}"));
            columns.Add(("Age", "string", 0, o => Age(ObjectMeta.ParseTimestamp(o["metadata"].String("creationTimestamp")))));
            columns.Add(("Users", "string", 1, o => Subjects(o, "User")));
            columns.Add(("Groups", "string", 1, o => Subjects(o, "Group")));
            columns.Add(("ServiceAccounts", "string", 1, o => Subjects(o, "ServiceAccount")));
            return columns;
        }
        else if (type == ResourceCatalog.Namespaces)
            columns.Add(("Status", "string", 0, o => o["status"].String("phase")));
        else if (type == ResourceCatalog.Secrets)
        {
            columns.Add(("Type", "string", 0, o => o.String("type")));
            columns.Add(("Data", "integer", 0, o => (o["data"] as JsonObject)?.Count ?? 0));
        }
        else if (type == ResourceCatalog.ConfigMaps)
            columns.Add(("Data", "integer", 0, o => ((o["data"] as JsonObject)?.Count ?? 0) + ((o["binaryData"] as JsonObject)?.Count ?? 0)));
        else if (type == ResourceCatalog.Services)
        {
            columns.Add(("Type", "string", 0, o => o["spec"].String("type")));
            columns.Add(("Cluster-IP", "string", 0, o => o["spec"].String("clusterIP") ?? "<none>"));
            columns.Add(("External-IP", "string", 0, _ => "<none>"));
            columns.Add(("Port(s)", "string", 0, o => string.Join(',', (o["spec"]?["ports"] as JsonArray ?? []).Select(p =>
                p.Number("nodePort") is { } node ? $"{p.Number("port")}:{node}/{p.String("protocol")}" : $"{p.Number("port")}/{p.String("protocol")}"))));
        }
        else if (type == ResourceCatalog.PersistentVolumeClaims)
        {
            columns.Add(("Status", "string", 0, o => o["status"].String("phase") ?? "Pending"));
            columns.Add(("Volume", "string", 0, o => o["spec"].String("volumeName") ?? ""));
            columns.Add(("Capacity", "string", 0, o => o["status"]?["capacity"].String("storage") ?? ""));
            columns.Add(("Access Modes", "string", 0, o => string.Join(',', (o["status"]?["accessModes"] as JsonArray ?? []).Select(m => m?.ToString() switch
            {
                "ReadWriteOnce" => "RWO",
                "ReadOnlyMany" => "ROX",
                "ReadWriteMany" => "RWX",
                "ReadWriteOncePod" => "RWOP",
                var other => other,
            }))));
            columns.Add(("StorageClass", "string", 0, o => o["spec"].String("storageClassName") ?? "<unset>"));
        }
        else if (type == ResourceCatalog.Deployments)
        {
            columns.Add(("Ready", "string", 0, o => $"{o["status"].Number("readyReplicas") ?? 0}/{o["spec"].Number("replicas") ?? 0}"));
            columns.Add(("Up-to-date", "integer", 0, o => o["status"].Number("updatedReplicas") ?? 0));
            columns.Add(("Available", "integer", 0, o => o["status"].Number("availableReplicas") ?? 0));
        }
        else if (type == ResourceCatalog.ReplicaSets)
        {
            columns.Add(("Desired", "integer", 0, o => o["spec"].Number("replicas") ?? 0));
            columns.Add(("Current", "integer", 0, o => o["status"].Number("replicas") ?? 0));
            columns.Add(("Ready", "integer", 0, o => o["status"].Number("readyReplicas") ?? 0));
        }
        else if (type == ResourceCatalog.Jobs)
        {
            columns.Add(("Status", "string", 0, o => JobStatus(o)));
            columns.Add(("Completions", "string", 0, o => $"{o["status"].Number("succeeded") ?? 0}/{o["spec"].Number("completions") ?? 1}"));
            columns.Add(("Duration", "string", 0, o => JobDuration(o)));
        }
        else if (type == ResourceCatalog.Workflows)
            columns.Add(("Status", "string", 0, o => o["status"].String("phase") ?? ""));
        else if (type == ResourceCatalog.SealedSecrets)
            columns.Add(("Synced", "string", 0, o => (o["status"]?["conditions"] as JsonArray)?.FirstOrDefault(c => c.String("type") == "Synced").String("status") ?? ""));
        columns.Add(("Age", "string", 0, o => Age(ObjectMeta.ParseTimestamp(o["metadata"].String("creationTimestamp")))));
        return columns;
    }

    private static List<(string Name, string Type, int Priority, Func<JsonObject, JsonNode?> Value)> EventColumns() =>
    [
        ("Last Seen", "string", 0, o => Age(ObjectMeta.ParseTimestamp(o.String("lastTimestamp") ?? o["metadata"].String("creationTimestamp")))),
        ("Type", "string", 0, o => o.String("type")),
        ("Reason", "string", 0, o => o.String("reason")),
        ("Object", "string", 0, o => $"{o["involvedObject"].String("kind")?.ToLowerInvariant()}/{o["involvedObject"].String("name")}"),
        ("Subobject", "string", 1, o => o["involvedObject"].String("fieldPath") ?? ""),
        ("Source", "string", 1, o => o["source"].String("host") is { } host ? $"{o["source"].String("component")}, {host}" : o["source"].String("component") ?? ""),
        ("Message", "string", 0, o => o.String("message")),
        ("First Seen", "string", 1, o => Age(ObjectMeta.ParseTimestamp(o.String("firstTimestamp")))),
        ("Count", "string", 1, o => o.Number("count") ?? 1),
        ("Name", "string", 1, o => o.Name()),
    ];

    private static string Subjects(JsonObject binding, string kind) =>
        string.Join(", ", (binding["subjects"] as JsonArray ?? []).Where(s => s.String("kind") == kind)
            .Select(s => kind == "ServiceAccount" ? $"{s.String("namespace")}/{s.String("name")}" : s.String("name")));

    // kubectl's pod printer: the STATUS column's reason, READY and RESTARTS ("3 (12s ago)").
    private static (string Ready, string Status, string Restarts) PodCells(JsonObject pod)
    {
        var status = pod["status"];
        var spec = pod["spec"];
        var total = (spec?["containers"] as JsonArray)?.Count ?? 0;
        var ready = 0;
        var restarts = 0L;
        DateTimeOffset? lastRestart = null;
        var reason = status.String("reason") ?? status.String("phase") ?? "Pending";
        var initializing = false;
        var inits = status?["initContainerStatuses"] as JsonArray ?? [];
        for (var i = 0; i < inits.Count; i++)
        {
            var container = inits[i];
            restarts += container.Number("restartCount") ?? 0;
            Track(container, ref lastRestart);
            var terminated = container?["state"]?["terminated"];
            var waiting = container?["state"]?["waiting"];
            if (terminated is not null && terminated.Number("exitCode") == 0)
                continue;
            if (container?["started"]?.GetValue<bool>() == true && (spec?["initContainers"] as JsonArray)?.ElementAtOrDefault(i).String("restartPolicy") == "Always")
                continue;
            initializing = true;
            if (terminated is not null)
                reason = terminated.String("reason") is { Length: > 0 } r ? "Init:" + r : $"Init:ExitCode:{terminated.Number("exitCode")}";
            else if (waiting.String("reason") is { Length: > 0 } w && w != "PodInitializing")
                reason = "Init:" + w;
            else
                reason = $"Init:{i}/{(spec?["initContainers"] as JsonArray)?.Count ?? 0}";
            break;
        }
        var initialized = (status?["conditions"] as JsonArray ?? []).Any(c => c.String("type") == "Initialized" && c.String("status") == "True");
        if (!initializing || initialized)
        {
            restarts = 0;
            lastRestart = null;
            var running = false;
            var containers = status?["containerStatuses"] as JsonArray ?? [];
            for (var i = containers.Count - 1; i >= 0; i--)
            {
                var container = containers[i];
                restarts += container.Number("restartCount") ?? 0;
                Track(container, ref lastRestart);
                var waiting = container?["state"]?["waiting"];
                var terminated = container?["state"]?["terminated"];
                if (waiting.String("reason") is { Length: > 0 } w)
                    reason = w;
                else if (terminated.String("reason") is { Length: > 0 } t)
                    reason = t;
                else if (terminated is not null)
                    reason = $"ExitCode:{terminated.Number("exitCode")}";
                else if (container?["ready"]?.GetValue<bool>() == true && container["state"]?["running"] is not null)
                {
                    running = true;
                    ready++;
                }
            }
            if (reason == "Completed" && running)
                reason = (status?["conditions"] as JsonArray ?? []).Any(c => c.String("type") == "Ready" && c.String("status") == "True") ? "Running" : "NotReady";
        }
        if (pod["metadata"]?["deletionTimestamp"] is not null)
            reason = "Terminating";
        var restartText = lastRestart is { } at && restarts > 0
            ? $"{restarts} ({HumanDuration(DateTimeOffset.UtcNow - at)} ago)"
            : restarts.ToString(CultureInfo.InvariantCulture);
        return ($"{ready}/{total}", reason, restartText);
    }

    private static void Track(JsonNode? container, ref DateTimeOffset? lastRestart)
    {
        if (ObjectMeta.ParseTimestamp(container?["lastState"]?["terminated"].String("finishedAt")) is { } finished && (lastRestart is null || finished > lastRestart))
            lastRestart = finished;
    }

    private static string JobStatus(JsonObject job)
    {
        var conditions = job["status"]?["conditions"] as JsonArray ?? [];
        bool Has(string type) => conditions.Any(c => c.String("type") == type && c.String("status") == "True");
        if (Has("Complete"))
            return "Complete";
        if (Has("Failed"))
            return "Failed";
        return job["spec"]?["suspend"]?.GetValue<bool>() == true ? "Suspended" : "Running";
    }

    private static string JobDuration(JsonObject job)
    {
        var start = ObjectMeta.ParseTimestamp(job["status"].String("startTime"));
        if (start is null)
            return "";
        var end = ObjectMeta.ParseTimestamp(job["status"].String("completionTime")) ?? DateTimeOffset.UtcNow;
        return HumanDuration(end - start.Value);
    }

    private static string Age(DateTimeOffset? created) => created is null ? "<unknown>" : HumanDuration(DateTimeOffset.UtcNow - created.Value);

    // The way kubectl writes ages: 45s, 3m20s, 12m, 5h10m, 3d4h.
    private static string HumanDuration(TimeSpan span)
    {
        var seconds = (long)Math.Max(0, span.TotalSeconds);
        if (seconds < 120)
            return $"{seconds}s";
        var minutes = seconds / 60;
        if (minutes < 10)
            return seconds % 60 == 0 ? $"{minutes}m" : $"{minutes}m{seconds % 60}s";
        if (minutes < 180)
            return $"{minutes}m";
        var hours = minutes / 60;
        if (hours < 8)
            return minutes % 60 == 0 ? $"{hours}h" : $"{hours}h{minutes % 60}m";
        if (hours < 48)
            return $"{hours}h";
        if (hours < 24 * 8)
            return hours % 24 == 0 ? $"{hours / 24}d" : $"{hours / 24}d{hours % 24}h";
        return $"{hours / 24}d";
    }
}
