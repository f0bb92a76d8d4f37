using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>The API server's validation of the served kinds: names, labels and the required fields the product relies on.</summary>
public static partial class ObjectValidation
{
    private const string SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private const string LabelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    /// <summary>Throws Invalid (422) with every cause found.</summary>
    public static void Validate(ResourceType type, JsonObject obj, JsonObject? previous)
    {
        var causes = new List<StatusCause>();
        var name = obj.Name();
        Name(type, name, causes);
        Labels(obj["metadata"]?["labels"] as JsonObject, "metadata.labels", causes);
        if (type == ResourceCatalog.Deployments || type == ResourceCatalog.ReplicaSets)
            Workload(obj, "Always", causes);
        else if (type == ResourceCatalog.Jobs)
        {
            Workload(obj, null, causes);
            if (previous?["spec"]?["template"] is { } before && !JsonNode.DeepEquals(before, obj["spec"]?["template"]))
                causes.Add(new("FieldValueInvalid", "spec.template", "Invalid value: field is immutable"));
        }
        else if (type == ResourceCatalog.Services)
            Service(obj, causes);
        else if (type == ResourceCatalog.Secrets || type == ResourceCatalog.ConfigMaps)
            DataKeys(obj, causes);
        else if (type == ResourceCatalog.PersistentVolumeClaims)
            Claim(obj, causes);
        if (causes.Count > 0)
            throw KubernetesApiException.Invalid(type, name, causes);
    }

    private static void Name(ResourceType type, string name, List<StatusCause> causes)
    {
        if (name.Length == 0)
        {
            causes.Add(new("FieldValueRequired", "metadata.name", "Required value: name or generateName is required"));
            return;
        }
        // Namespaces, Services and Jobs (whose name becomes a label value) are DNS-1123 labels; the rest subdomains.
        var label = type == ResourceCatalog.Namespaces || type == ResourceCatalog.Services || type == ResourceCatalog.Jobs;
        if (label && (name.Length > 63 || !DnsLabel().IsMatch(name)))
            causes.Add(new("FieldValueInvalid", "metadata.name", $"Invalid value: \"{name}\": {(name.Length > 63 ? "must be no more than 63 characters" : LabelMessage)}"));
        else if (!label && (name.Length > 253 || !DnsSubdomain().IsMatch(name)))
            causes.Add(new("FieldValueInvalid", "metadata.name", $"Invalid value: \"{name}\": {(name.Length > 253 ? "must be no more than 253 characters" : SubdomainMessage)}"));
    }

    private static void Labels(JsonObject? labels, string field, List<StatusCause> causes)
    {
        foreach (var (key, value) in labels ?? [])
        {
            var text = value?.ToString() ?? "";
            if (text.Length > 63 || !LabelValue().IsMatch(text))
                causes.Add(new("FieldValueInvalid", $"{field}", $"Invalid value: \"{text}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"));
            var keyName = key[(key.IndexOf('/') + 1)..];
            if (keyName.Length is 0 or > 63 || !QualifiedName().IsMatch(keyName))
                causes.Add(new("FieldValueInvalid", $"{field}", $"Invalid value: \"{key}\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"));
        }
    }

    private static void Workload(JsonObject obj, string? requiredRestartPolicy, List<StatusCause> causes)
    {
        var spec = obj["spec"] as JsonObject;
        var template = spec?["template"] as JsonObject;
        if (requiredRestartPolicy is not null)
        {
            if (spec?["selector"] is not JsonObject selector)
                causes.Add(new("FieldValueRequired", "spec.selector", "Required value"));
            else
            {
                var labels = LabelSelector.LabelsOf(template ?? []);
                if (!LabelSelector.FromObject(selector).Matches(labels))
                    causes.Add(new("FieldValueInvalid", "spec.template.metadata.labels", "Invalid value: `selector` does not match template `labels`"));
            }
            if (spec.Number("replicas") is < 0)
                causes.Add(new("FieldValueInvalid", "spec.replicas", "Invalid value: must be greater than or equal to 0"));
        }
        var pod = template?["spec"] as JsonObject;
        if (pod?["containers"] is not JsonArray { Count: > 0 } containers)
        {
            causes.Add(new("FieldValueRequired", "spec.template.spec.containers", "Required value"));
            return;
        }
        for (var i = 0; i < containers.Count; i++)
        {
            var container = containers[i] as JsonObject;
            var containerName = container.String("name");
            if (string.IsNullOrEmpty(containerName))
                causes.Add(new("FieldValueRequired", $"spec.template.spec.containers[{i}].name", "Required value"));
            else if (!DnsLabel().IsMatch(containerName))
                causes.Add(new("FieldValueInvalid", $"spec.template.spec.containers[{i}].name", $"Invalid value: \"{containerName}\": {LabelMessage}"));
            if (string.IsNullOrEmpty(container.String("image")))
                causes.Add(new("FieldValueRequired", $"spec.template.spec.containers[{i}].image", "Required value"));
            var env = container?["env"] as JsonArray ?? [];
            for (var e = 0; e < env.Count; e++)
            {
                if (string.IsNullOrEmpty(env[e].String("name")))
                    causes.Add(new("FieldValueRequired", $"spec.template.spec.containers[{i}].env[{e}].name", "Required value"));
            }
        }
        var restartPolicy = pod.String("restartPolicy");
        if (requiredRestartPolicy is not null && restartPolicy != requiredRestartPolicy)
            causes.Add(new("FieldValueNotSupported", "spec.template.spec.restartPolicy", $"Unsupported value: \"{restartPolicy}\": supported values: \"{requiredRestartPolicy}\""));
        if (requiredRestartPolicy is null && restartPolicy is not ("OnFailure" or "Never"))
            causes.Add(restartPolicy is null
                ? new("FieldValueRequired", "spec.template.spec.restartPolicy", "Required value: valid values: \"OnFailure\", \"Never\"")
                : new("FieldValueNotSupported", "spec.template.spec.restartPolicy", $"Unsupported value: \"{restartPolicy}\": supported values: \"OnFailure\", \"Never\""));
    }

    private static void Service(JsonObject obj, List<StatusCause> causes)
    {
        var spec = obj["spec"] as JsonObject;
        var headless = spec.String("clusterIP") == "None" || spec.String("type") == "ExternalName";
        if (!headless && spec?["ports"] is not JsonArray { Count: > 0 })
            causes.Add(new("FieldValueRequired", "spec.ports", "Required value"));
        var ports = spec?["ports"] as JsonArray ?? [];
        for (var i = 0; i < ports.Count; i++)
        {
            if (ports[i].Number("port") is not (>= 1 and <= 65535))
                causes.Add(new("FieldValueInvalid", $"spec.ports[{i}].port", "Invalid value: must be between 1 and 65535, inclusive"));
            if (ports.Count > 1 && string.IsNullOrEmpty(ports[i].String("name")))
                causes.Add(new("FieldValueRequired", $"spec.ports[{i}].name", "Required value"));
        }
    }

    private static void DataKeys(JsonObject obj, List<StatusCause> causes)
    {
        foreach (var field in new[] { "data", "binaryData" })
        {
            foreach (var (key, value) in obj[field] as JsonObject ?? [])
            {
                if (!ConfigKey().IsMatch(key))
                    causes.Add(new("FieldValueInvalid", $"{field}[{key}]", $"Invalid value: \"{key}\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
                if (obj["kind"]?.GetValue<string>() == "Secret" && !IsBase64(value?.ToString()))
                    throw KubernetesApiException.BadRequest($"Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 0");
            }
        }
    }

    private static void Claim(JsonObject obj, List<StatusCause> causes)
    {
        var spec = obj["spec"] as JsonObject;
        if (spec?["accessModes"] is not JsonArray { Count: > 0 })
            causes.Add(new("FieldValueRequired", "spec.accessModes", "Required value: at least 1 access mode is required"));
        if (spec?["resources"]?["requests"]?["storage"] is null)
            causes.Add(new("FieldValueRequired", "spec.resources[storage]", "Required value"));
    }

    private static bool IsBase64(string? text)
    {
        if (text is null)
            return false;
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedName();

    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex ConfigKey();
}
