using System.Text;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes.Controllers;

/// <summary>
/// What decides whether the sandbox's imaginary pods start: images (the unpullable-image rule), the secrets and config
/// maps their env refers to, and the exit-code annotation a Job or Workflow can carry.
/// </summary>
public static class PodRules
{
    /// <summary>Annotation (on a Job, its pod template, or a Workflow) naming the exit code its pod ends with; non-zero fails it.</summary>
    public const string ExitCodeAnnotation = "sandbox.mlops.dev/exit-code";

    /// <summary>
    /// An image the sandbox cannot pull: its registry host is in the reserved <c>.invalid</c> domain
    /// (<c>registry.invalid/model:1</c>) or its tag is <c>does-not-exist</c> (<c>ghcr.io/mlflow/mlflow:does-not-exist</c>).
    /// </summary>
    public static bool IsUnpullable(string? image)
    {
        if (string.IsNullOrEmpty(image))
            return true;
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        var host = slash > 0 ? image[..slash] : "";
        var hostIsRegistry = host.Contains('.', StringComparison.Ordinal) || host.Contains(':', StringComparison.Ordinal) || host == "localhost";
        if (hostIsRegistry && host.Split(':')[0].EndsWith(".invalid", StringComparison.Ordinal))
            return true;
        var lastSegment = image[(image.LastIndexOf('/') + 1)..];
        return lastSegment.EndsWith(":does-not-exist", StringComparison.Ordinal);
    }

    public static bool AnyUnpullable(JsonObject? podSpec) => ObjectMeta.Containers(podSpec).Any(c => IsUnpullable(c.String("image")));

    /// <summary>The exit code from the annotation on the owner or its pod template; 0 when absent.</summary>
    public static int ExitCode(JsonObject owner, JsonObject? template)
    {
        var text = owner.Annotation(ExitCodeAnnotation) ?? template?["metadata"]?["annotations"].String(ExitCodeAnnotation);
        return int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var code) ? code : 0;
    }

    /// <summary>
    /// The first container's env as its process sees it, or null while a referenced Secret, ConfigMap or key is missing
    /// (the kubelet does not start such a container: CreateContainerConfigError).
    /// </summary>
    public static IReadOnlyDictionary<string, string>? ResolveEnv(KubernetesRegistry registry, string? ns, JsonObject? podSpec)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        var container = (podSpec?["containers"] as JsonArray)?.FirstOrDefault() as JsonObject;
        foreach (var source in (container?["envFrom"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var prefix = source.String("prefix") ?? "";
            var (type, reference) = source["secretRef"] is JsonObject s ? (ResourceCatalog.Secrets, s) : (ResourceCatalog.ConfigMaps, source["configMapRef"] as JsonObject);
            if (reference is null)
                continue;
            var found = registry.Find(type, ns, reference.String("name") ?? "");
            if (found is null)
            {
                if (reference["optional"]?.GetValue<bool>() == true)
                    continue;
                return null;
            }
            foreach (var (key, value) in found["data"] as JsonObject ?? [])
                env[prefix + key] = Decode(type, value?.ToString());
        }
        foreach (var variable in (container?["env"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = variable.String("name") ?? "";
            if (variable["valueFrom"] is not JsonObject valueFrom)
            {
                env[name] = variable.String("value") ?? "";
                continue;
            }
            var (type, reference) = valueFrom["secretKeyRef"] is JsonObject s ? (ResourceCatalog.Secrets, s) : (ResourceCatalog.ConfigMaps, valueFrom["configMapKeyRef"] as JsonObject);
            if (reference is null)
                continue;
            var value = registry.Find(type, ns, reference.String("name") ?? "")?["data"]?[reference.String("key") ?? ""]?.ToString();
            if (value is null)
            {
                if (reference["optional"]?.GetValue<bool>() == true)
                    continue;
                return null;
            }
            env[name] = Decode(type, value);
        }
        return env;
    }

    private static string Decode(ResourceType type, string? value) =>
        type == ResourceCatalog.Secrets ? Encoding.UTF8.GetString(Convert.FromBase64String(value ?? "")) : value ?? "";
}
