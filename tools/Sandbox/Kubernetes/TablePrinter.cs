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
        var columns = new List<(string, string, int, Func<JsonObject, JsonNode?>)> { ("Name", "string", 0, o => o.Name()) };
        if (type == ResourceCatalog.Namespaces)
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
