using System.Text;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>The API server's defaulting for the served kinds, so stored objects read as a real cluster returns them.</summary>
public static class ObjectDefaults
{
    public static void Apply(ResourceType type, JsonObject obj, JsonObject? previous)
    {
        if (type == ResourceCatalog.Namespaces)
            Namespace(obj);
        else if (type == ResourceCatalog.Secrets)
            Secret(obj);
        else if (type == ResourceCatalog.Services)
            Service(obj, previous);
        else if (type == ResourceCatalog.PersistentVolumeClaims)
            obj.Child("spec").Default("volumeMode", "Filesystem");
        else if (type == ResourceCatalog.Deployments)
            Deployment(obj);
        else if (type == ResourceCatalog.ReplicaSets)
        {
            obj.Child("spec").Default("replicas", 1);
            PodTemplate(obj.Child("spec")["template"] as JsonObject, "Always");
        }
        else if (type == ResourceCatalog.Jobs)
            Job(obj);
        else if (type == ResourceCatalog.Pods)
            Pod(obj);
    }

    /// <summary>The status a kind starts with on create (status sent by the client is dropped first).</summary>
    public static void InitialStatus(ResourceType type, JsonObject obj)
    {
        if (type == ResourceCatalog.Pods)
            obj["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = QosClass(obj["spec"] as JsonObject) };
    }

    private static readonly string[] GuaranteedResources = ["cpu", "memory"];

    private static void Pod(JsonObject obj)
    {
        var spec = obj.Child("spec");
        PodSpec(spec, "Always");
        // What the ServiceAccount and DefaultTolerationSeconds admission plugins add.
        spec.Default("serviceAccountName", spec["serviceAccount"]?.DeepClone() ?? "default");
        spec.Default("serviceAccount", spec["serviceAccountName"]!.DeepClone());
        spec.Default("enableServiceLinks", true);
        spec.Default("priority", 0);
        spec.Default("preemptionPolicy", "PreemptLowerPriority");
        spec.Default("tolerations", new JsonArray(
            Toleration("node.kubernetes.io/not-ready"),
            Toleration("node.kubernetes.io/unreachable")));
    }

    private static JsonObject Toleration(string key) => new()
    {
        ["key"] = key,
        ["operator"] = "Exists",
        ["effect"] = "NoExecute",
        ["tolerationSeconds"] = 300,
    };

    // Guaranteed: every container limits cpu and memory with equal requests; BestEffort: nothing requested; else Burstable.
    private static string QosClass(JsonObject? podSpec)
    {
        var containers = ObjectMeta.Containers(podSpec).ToList();
        var anything = containers.Any(c => (c["resources"]?["requests"] as JsonObject)?.Count > 0 || (c["resources"]?["limits"] as JsonObject)?.Count > 0);
        if (!anything)
            return "BestEffort";
        var guaranteed = containers.All(c =>
        {
            var limits = c["resources"]?["limits"] as JsonObject;
            var requests = c["resources"]?["requests"] as JsonObject;
            return GuaranteedResources.All(r => limits?[r] is { } limit && (requests?[r] is null || requests[r]!.ToString() == limit.ToString()));
        });
        return guaranteed ? "Guaranteed" : "Burstable";
    }

    private static void Namespace(JsonObject obj)
    {
        obj.Metadata().Child("labels")["kubernetes.io/metadata.name"] = obj.Name();
        obj.Child("spec").Default("finalizers", new JsonArray("kubernetes"));
        obj.Child("status").Default("phase", "Active");
    }

    private static void Secret(JsonObject obj)
    {
        obj.Default("type", "Opaque");
        if (obj["stringData"] is JsonObject stringData)
        {
            var data = obj.Child("data");
            foreach (var (key, value) in stringData)
                data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value?.ToString() ?? ""));
            obj.Remove("stringData");
        }
    }

    private static void Service(JsonObject obj, JsonObject? previous)
    {
        var spec = obj.Child("spec");
        spec.Default("type", "ClusterIP");
        spec.Default("sessionAffinity", "None");
        var type = spec.String("type");
        if (type != "ExternalName")
        {
            // The allocated address survives updates that do not mention it, as on a real server.
            spec.Default("clusterIP", previous?["spec"]?["clusterIP"]?.DeepClone() ?? AllocateClusterIp(obj.Uid()));
            spec.Default("clusterIPs", new JsonArray(spec["clusterIP"]!.DeepClone()));
            spec.Default("ipFamilies", new JsonArray("IPv4"));
            spec.Default("ipFamilyPolicy", "SingleStack");
            spec.Default("internalTrafficPolicy", "Cluster");
        }
        if (type is "NodePort" or "LoadBalancer")
            spec.Default("externalTrafficPolicy", "Cluster");
        var previousPorts = previous?["spec"]?["ports"] as JsonArray;
        foreach (var port in (spec["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            port.Default("protocol", "TCP");
            if (port["port"] is { } number)
                port.Default("targetPort", number.DeepClone());
            if (type is "NodePort" or "LoadBalancer")
            {
                var kept = previousPorts?.OfType<JsonObject>().FirstOrDefault(p => JsonNode.DeepEquals(p["port"], port["port"]))?["nodePort"];
                port.Default("nodePort", kept?.DeepClone() ?? 30000 + (Math.Abs(HashCode.Combine(obj.Uid(), port["port"]?.ToString())) % 2768));
            }
        }
        obj.Child("status").Default("loadBalancer", new JsonObject());
    }

    private static string AllocateClusterIp(string uid)
    {
        var hash = (uint)uid.GetHashCode(StringComparison.Ordinal);
        return $"10.96.{(hash >> 8) % 256}.{hash % 254 + 1}";
    }

    private static void Deployment(JsonObject obj)
    {
        var spec = obj.Child("spec");
        spec.Default("replicas", 1);
        spec.Default("revisionHistoryLimit", 10);
        spec.Default("progressDeadlineSeconds", 600);
        var strategy = spec.Child("strategy");
        strategy.Default("type", "RollingUpdate");
        if (strategy.String("type") == "RollingUpdate")
        {
            var rolling = strategy.Child("rollingUpdate");
            rolling.Default("maxUnavailable", "25%");
            rolling.Default("maxSurge", "25%");
        }
        PodTemplate(spec["template"] as JsonObject, "Always");
    }

    private static void Job(JsonObject obj)
    {
        var spec = obj.Child("spec");
        spec.Default("parallelism", 1);
        spec.Default("completions", 1);
        spec.Default("backoffLimit", 6);
        spec.Default("completionMode", "NonIndexed");
        spec.Default("suspend", false);
        spec.Default("podReplacementPolicy", "TerminatingOrFailed");
        var uid = obj.Uid();
        if (spec["manualSelector"]?.GetValue<bool>() != true)
            spec.Default("selector", new JsonObject { ["matchLabels"] = new JsonObject { ["batch.kubernetes.io/controller-uid"] = uid } });
        if (spec["template"] is JsonObject template)
        {
            var labels = template.Child("metadata").Child("labels");
            labels.Default("batch.kubernetes.io/controller-uid", uid);
            labels.Default("batch.kubernetes.io/job-name", obj.Name());
            labels.Default("controller-uid", uid);
            labels.Default("job-name", obj.Name());
        }
        PodTemplate(spec["template"] as JsonObject, null);
    }

    private static void PodTemplate(JsonObject? template, string? restartPolicy)
    {
        if (template?["spec"] is JsonObject pod)
            PodSpec(pod, restartPolicy);
    }

    private static void PodSpec(JsonObject pod, string? restartPolicy)
    {
        if (restartPolicy is not null)
            pod.Default("restartPolicy", restartPolicy);
        pod.Default("terminationGracePeriodSeconds", 30);
        pod.Default("dnsPolicy", "ClusterFirst");
        pod.Default("securityContext", new JsonObject());
        pod.Default("schedulerName", "default-scheduler");
        foreach (var container in ObjectMeta.Containers(pod))
        {
            container.Default("terminationMessagePath", "/dev/termination-log");
            container.Default("terminationMessagePolicy", "File");
            container.Default("resources", new JsonObject());
            var image = container.String("image") ?? "";
            var lastSegment = image[(image.LastIndexOf('/') + 1)..];
            var latest = !lastSegment.Contains(':', StringComparison.Ordinal) || lastSegment.EndsWith(":latest", StringComparison.Ordinal);
            container.Default("imagePullPolicy", image.Contains('@', StringComparison.Ordinal) || !latest ? "IfNotPresent" : "Always");
            foreach (var port in (container["ports"] as JsonArray ?? []).OfType<JsonObject>())
                port.Default("protocol", "TCP");
            foreach (var probeName in new[] { "readinessProbe", "livenessProbe", "startupProbe" })
            {
                if (container[probeName] is not JsonObject probe)
                    continue;
                probe.Default("timeoutSeconds", 1);
                probe.Default("periodSeconds", 10);
                probe.Default("successThreshold", 1);
                probe.Default("failureThreshold", 3);
                if (probe["httpGet"] is JsonObject httpGet)
                {
                    httpGet.Default("path", "/");
                    httpGet.Default("scheme", "HTTP");
                }
            }
        }
    }
}
