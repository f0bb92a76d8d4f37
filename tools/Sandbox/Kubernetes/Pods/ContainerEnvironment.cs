using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>
/// What the kubelet works out before it creates a container: the environment (envFrom, env with value, secretKeyRef,
/// configMapKeyRef, fieldRef, resourceFieldRef, <c>$(VAR)</c> references) and whether the pod's secret and config map
/// volumes can be mounted, with the kubelet's own messages when they cannot.
/// </summary>
public static partial class ContainerEnvironment
{
    /// <summary>The configuration, or the CreateContainerConfigError message (e.g. <c>secret "x" not found</c>).</summary>
    public static (ContainerConfig? Config, string? Error) Resolve(KubernetesRegistry registry, JsonObject pod, JsonObject container)
    {
        var ns = pod.Namespace();
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in (container["envFrom"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var prefix = source.String("prefix") ?? "";
            var (type, reference) = source["secretRef"] is JsonObject s ? (ResourceCatalog.Secrets, s) : (ResourceCatalog.ConfigMaps, source["configMapRef"] as JsonObject);
            if (reference is null)
                continue;
            var name = reference.String("name") ?? "";
            var found = registry.Find(type, ns, name);
            if (found is null)
            {
                if (Optional(reference))
                    continue;
                return (null, NotFound(type, name));
            }
            foreach (var (key, value) in Data(type, found))
                env[prefix + key] = value;
        }
        foreach (var variable in (container["env"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = variable.String("name") ?? "";
            if (variable["valueFrom"] is not JsonObject valueFrom)
            {
                // Values may refer to variables defined before them.
                env[name] = Expand(variable.String("value") ?? "", env);
                continue;
            }
            if (valueFrom["fieldRef"] is JsonObject fieldRef)
            {
                env[name] = FieldValue(pod, fieldRef.String("fieldPath") ?? "");
                continue;
            }
            if (valueFrom["resourceFieldRef"] is JsonObject resourceRef)
            {
                env[name] = ResourceValue(pod, container, resourceRef);
                continue;
            }
            var (type, reference) = valueFrom["secretKeyRef"] is JsonObject secretRef ? (ResourceCatalog.Secrets, secretRef) : (ResourceCatalog.ConfigMaps, valueFrom["configMapKeyRef"] as JsonObject);
            if (reference is null)
                continue;
            var sourceName = reference.String("name") ?? "";
            var key = reference.String("key") ?? "";
            var source = registry.Find(type, ns, sourceName);
            if (source is null)
            {
                if (Optional(reference))
                    continue;
                return (null, NotFound(type, sourceName));
            }
            var data = Data(type, source);
            if (!data.TryGetValue(key, out var value))
            {
                if (Optional(reference))
                    continue;
                return (null, $"couldn't find key {key} in {type.Kind} {ns}/{sourceName}");
            }
            env[name] = value;
        }
        var command = Strings(container["command"]).Select(c => Expand(c, env)).ToList();
        var args = Strings(container["args"]).Select(a => Expand(a, env)).ToList();
        return (new ContainerConfig(env, command, args), null);
    }

    /// <summary>Null when every secret and config map volume of the pod mounts; else the kubelet's FailedMount message.</summary>
    public static string? MountError(KubernetesRegistry registry, JsonObject pod)
    {
        var ns = pod.Namespace();
        foreach (var volume in (pod["spec"]?["volumes"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var volumeName = volume.String("name") ?? "";
            var sources = new List<(ResourceType Type, JsonObject Source, string Name)>();
            if (volume["secret"] is JsonObject secret)
                sources.Add((ResourceCatalog.Secrets, secret, secret.String("secretName") ?? ""));
            if (volume["configMap"] is JsonObject configMap)
                sources.Add((ResourceCatalog.ConfigMaps, configMap, configMap.String("name") ?? ""));
            foreach (var projection in (volume["projected"]?["sources"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (projection["secret"] is JsonObject projectedSecret)
                    sources.Add((ResourceCatalog.Secrets, projectedSecret, projectedSecret.String("name") ?? ""));
                if (projection["configMap"] is JsonObject projectedMap)
                    sources.Add((ResourceCatalog.ConfigMaps, projectedMap, projectedMap.String("name") ?? ""));
            }
            foreach (var (type, source, name) in sources)
            {
                var found = registry.Find(type, ns, name);
                if (found is null)
                {
                    if (Optional(source))
                        continue;
                    return $"MountVolume.SetUp failed for volume \"{volumeName}\" : {NotFound(type, name)}";
                }
                var data = Data(type, found);
                foreach (var item in (source["items"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    var key = item.String("key") ?? "";
                    if (!data.ContainsKey(key) && !Optional(source))
                    {
                        return type == ResourceCatalog.Secrets
                            ? $"MountVolume.SetUp failed for volume \"{volumeName}\" : references non-existent secret key: {key}"
                            : $"MountVolume.SetUp failed for volume \"{volumeName}\" : configmap references non-existent config key: {key}";
                    }
                }
            }
        }
        return null;
    }

    /// <summary>The claims the pod's volumes name (the scheduler waits for each to exist).</summary>
    public static IEnumerable<string> Claims(JsonObject pod) =>
        (pod["spec"]?["volumes"] as JsonArray ?? []).Select(v => v?["persistentVolumeClaim"].String("claimName")).OfType<string>();

    private static string NotFound(ResourceType type, string name) => $"{type.Singular} \"{name}\" not found";

    private static bool Optional(JsonObject reference) => reference["optional"] is JsonValue v && v.TryGetValue<bool>(out var optional) && optional;

    private static Dictionary<string, string> Data(ResourceType type, JsonObject source)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in source["data"] as JsonObject ?? [])
            data[key] = type == ResourceCatalog.Secrets ? Encoding.UTF8.GetString(Convert.FromBase64String(value?.ToString() ?? "")) : value?.ToString() ?? "";
        if (type == ResourceCatalog.ConfigMaps)
        {
            foreach (var (key, value) in source["binaryData"] as JsonObject ?? [])
                data[key] = Encoding.UTF8.GetString(Convert.FromBase64String(value?.ToString() ?? ""));
        }
        return data;
    }

    private static IEnumerable<string> Strings(JsonNode? list) => (list as JsonArray ?? []).Select(v => v?.ToString() ?? "");

    // $(VAR) becomes the variable's value when it is defined, $$ escapes a $, anything else stays as written.
    private static string Expand(string text, Dictionary<string, string> env) =>
        Reference().Replace(text, m => m.Value == "$$" ? "$" : env.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);

    private static string FieldValue(JsonObject pod, string path)
    {
        var keyed = KeyedField().Match(path);
        if (keyed.Success)
            return pod["metadata"]?[keyed.Groups[1].Value]?[keyed.Groups[2].Value]?.ToString() ?? "";
        return path switch
        {
            "metadata.name" => pod.Name(),
            "metadata.namespace" => pod.Namespace() ?? "",
            "metadata.uid" => pod.Uid(),
            "spec.nodeName" => pod["spec"].String("nodeName") ?? "",
            "spec.serviceAccountName" => pod["spec"].String("serviceAccountName") ?? "",
            "status.hostIP" or "status.hostIPs" => Kubelet.HostIp,
            "status.podIP" or "status.podIPs" => pod["status"].String("podIP") ?? "",
            _ => "",
        };
    }

    // requests and limits as the downward API gives them: in units of the divisor, rounded up; node capacity when unset.
    private static string ResourceValue(JsonObject pod, JsonObject container, JsonObject reference)
    {
        var target = reference.String("containerName") is { Length: > 0 } other
            ? ObjectMeta.Containers(pod["spec"] as JsonObject).FirstOrDefault(c => c.String("name") == other) ?? container
            : container;
        var resource = reference.String("resource") ?? "";
        var dot = resource.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
            return "";
        var (kind, name) = (resource[..dot], resource[(dot + 1)..]);
        var quantity = target["resources"]?[kind]?[name]?.ToString()
                       ?? (kind == "requests" ? target["resources"]?["limits"]?[name]?.ToString() : null);
        var value = quantity is null ? NodeCapacity(name) : Quantity(quantity);
        var divisor = Quantity(reference["divisor"]?.ToString() ?? "1");
        return ((long)Math.Ceiling(value / (divisor == 0 ? 1 : divisor))).ToString(CultureInfo.InvariantCulture);
    }

    private static double NodeCapacity(string resource) => resource switch
    {
        "cpu" => Kubelet.NodeCpu,
        "memory" => Kubelet.NodeMemoryBytes,
        _ => 0,
    };

    private static double Quantity(string text)
    {
        var match = QuantityFormat().Match(text.Trim());
        if (!match.Success)
            return 0;
        var number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return number * match.Groups[2].Value switch
        {
            "m" => 0.001,
            "k" => 1e3,
            "M" => 1e6,
            "G" => 1e9,
            "T" => 1e12,
            "Ki" => 1024,
            "Mi" => 1024 * 1024,
            "Gi" => 1024.0 * 1024 * 1024,
            "Ti" => 1024.0 * 1024 * 1024 * 1024,
            _ => 1,
        };
    }

    [GeneratedRegex(@"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.\-]*)\)")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^metadata\.(labels|annotations)\['(.+)'\]$")]
    private static partial Regex KeyedField();

    [GeneratedRegex(@"^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$")]
    private static partial Regex QuantityFormat();
}
