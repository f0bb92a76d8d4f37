using System.Text;
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

    private const string LabelValueMessage =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    private const string NamePartMessage =
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    private static readonly string[] RestartPolicies = ["Always", "OnFailure", "Never"];

    /// <summary>Throws Invalid (422) with every cause found.</summary>
    public static void Validate(ResourceType type, JsonObject obj, JsonObject? previous)
    {
        var causes = new List<StatusCause>();
        var name = obj.Name();
        Name(type, name, causes);
        Labels(obj["metadata"]?["labels"] as JsonObject, "metadata.labels", causes);
        AnnotationKeys(obj["metadata"]?["annotations"] as JsonObject, causes);
        if (type == ResourceCatalog.Deployments || type == ResourceCatalog.ReplicaSets)
            Workload(obj, ["Always"], causes);
        else if (type == ResourceCatalog.Jobs)
        {
            Workload(obj, ["OnFailure", "Never"], causes);
            if (previous?["spec"]?["template"] is { } before && !JsonNode.DeepEquals(before, obj["spec"]?["template"]))
                causes.Add(new("FieldValueInvalid", "spec.template", "Invalid value: field is immutable"));
        }
        else if (type == ResourceCatalog.Pods)
        {
            PodSpec(obj["spec"] as JsonObject, "spec", RestartPolicies, causes);
            if (previous is not null)
                PodUpdate(obj, previous, causes);
        }
        else if (type == ResourceCatalog.Services)
            Service(obj, causes);
        else if (type == ResourceCatalog.Secrets || type == ResourceCatalog.ConfigMaps)
            DataKeys(obj, causes);
        else if (type == ResourceCatalog.PersistentVolumeClaims)
            Claim(obj, causes);
        else if (type == ResourceCatalog.Roles || type == ResourceCatalog.ClusterRoles)
            Rules(obj, namespaced: type == ResourceCatalog.Roles, causes);
        else if (type == ResourceCatalog.RoleBindings || type == ResourceCatalog.ClusterRoleBindings)
            Binding(obj, previous, clusterScoped: type == ResourceCatalog.ClusterRoleBindings, causes);
        if (causes.Count > 0)
            throw KubernetesApiException.Invalid(type, name, causes);
    }

    /// <summary>The causes a set of labels would be refused with (an empty list when they are valid).</summary>
    public static IReadOnlyList<StatusCause> LabelCauses(JsonObject? labels, string field)
    {
        var causes = new List<StatusCause>();
        Labels(labels, field, causes);
        return causes;
    }

    private static void Name(ResourceType type, string name, List<StatusCause> causes)
    {
        if (name.Length == 0)
        {
            causes.Add(new("FieldValueRequired", "metadata.name", "Required value: name or generateName is required"));
            return;
        }
        // Namespaces, Services and Jobs (whose name becomes a label value) are DNS-1123 labels; RBAC objects are path
        // segments; the rest subdomains.
        var label = type == ResourceCatalog.Namespaces || type == ResourceCatalog.Services || type == ResourceCatalog.Jobs;
        var pathSegment = type.Group == "rbac.authorization.k8s.io";
        if (pathSegment)
        {
            if (name is "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains('%', StringComparison.Ordinal))
                causes.Add(new("FieldValueInvalid", "metadata.name", $"Invalid value: \"{name}\": may not contain '/' or '%' and may not be '.' or '..'"));
        }
        else if (label && (name.Length > 63 || !DnsLabel().IsMatch(name)))
            causes.Add(new("FieldValueInvalid", "metadata.name", $"Invalid value: \"{name}\": {(name.Length > 63 ? "must be no more than 63 characters" : LabelMessage)}"));
        else if (!label && (name.Length > 253 || !DnsSubdomain().IsMatch(name)))
            causes.Add(new("FieldValueInvalid", "metadata.name", $"Invalid value: \"{name}\": {(name.Length > 253 ? "must be no more than 253 characters" : SubdomainMessage)}"));
    }

    // As apimachinery's ValidateLabels: each failing rule is its own cause; lengths count UTF-8 bytes, as Go's len does.
    private static void Labels(JsonObject? labels, string field, List<StatusCause> causes)
    {
        foreach (var (key, value) in labels ?? [])
        {
            QualifiedName(key, field, causes);
            var text = value?.ToString() ?? "";
            if (Encoding.UTF8.GetByteCount(text) > 63)
                causes.Add(new("FieldValueInvalid", field, $"Invalid value: \"{text}\": must be no more than 63 characters"));
            if (!LabelValue().IsMatch(text))
                causes.Add(new("FieldValueInvalid", field, $"Invalid value: \"{text}\": {LabelValueMessage}"));
        }
    }

    private static void AnnotationKeys(JsonObject? annotations, List<StatusCause> causes)
    {
        foreach (var (key, _) in annotations ?? [])
            QualifiedName(key.ToLowerInvariant(), "metadata.annotations", causes);
    }

    private static void QualifiedName(string key, string field, List<StatusCause> causes)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var (prefix, namePart) = slash >= 0 ? (key[..slash], key[(slash + 1)..]) : ("", key);
        if (slash >= 0 && prefix.Length == 0)
            causes.Add(new("FieldValueInvalid", field, $"Invalid value: \"{key}\": prefix part must be non-empty"));
        else if (slash >= 0 && (prefix.Length > 253 || !DnsSubdomain().IsMatch(prefix)))
            causes.Add(new("FieldValueInvalid", field, $"Invalid value: \"{key}\": prefix part {SubdomainMessage}"));
        if (namePart.Length == 0)
            causes.Add(new("FieldValueInvalid", field, $"Invalid value: \"{key}\": name part must be non-empty"));
        else
        {
            if (Encoding.UTF8.GetByteCount(namePart) > 63)
                causes.Add(new("FieldValueInvalid", field, $"Invalid value: \"{key}\": name part must be no more than 63 characters"));
            if (!QualifiedNamePart().IsMatch(namePart))
                causes.Add(new("FieldValueInvalid", field, $"Invalid value: \"{key}\": {NamePartMessage}"));
        }
    }

    private static void Workload(JsonObject obj, IReadOnlyList<string> restartPolicies, List<StatusCause> causes)
    {
        var spec = obj["spec"] as JsonObject;
        var template = spec?["template"] as JsonObject;
        Labels(template?["metadata"]?["labels"] as JsonObject, "spec.template.metadata.labels", causes);
        if (spec?["selector"]?["matchLabels"] is JsonObject matchLabels)
            Labels(matchLabels, "spec.selector.matchLabels", causes);
        if (restartPolicies.Contains("Always"))
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
        PodSpec(template?["spec"] as JsonObject, "spec.template.spec", restartPolicies, causes);
    }

    private static void PodSpec(JsonObject? pod, string at, IReadOnlyList<string> restartPolicies, List<StatusCause> causes)
    {
        if (pod?["containers"] is not JsonArray { Count: > 0 })
            causes.Add(new("FieldValueRequired", $"{at}.containers", "Required value"));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var list in new[] { "initContainers", "containers" })
        {
            var containers = pod?[list] as JsonArray ?? [];
            for (var i = 0; i < containers.Count; i++)
                Container(containers[i] as JsonObject, $"{at}.{list}[{i}]", seen, causes);
        }
        var restartPolicy = pod.String("restartPolicy");
        if (restartPolicy is null)
            causes.Add(new("FieldValueRequired", $"{at}.restartPolicy", "Required value: valid values: " + string.Join(", ", restartPolicies.Select(p => $"\"{p}\""))));
        else if (!restartPolicies.Contains(restartPolicy))
            causes.Add(new("FieldValueNotSupported", $"{at}.restartPolicy", $"Unsupported value: \"{restartPolicy}\": supported values: " + string.Join(", ", restartPolicies.Select(p => $"\"{p}\""))));
    }

    private static void Container(JsonObject? container, string at, HashSet<string> seen, List<StatusCause> causes)
    {
        var containerName = container.String("name");
        if (string.IsNullOrEmpty(containerName))
            causes.Add(new("FieldValueRequired", $"{at}.name", "Required value"));
        else if (!DnsLabel().IsMatch(containerName) || containerName.Length > 63)
            causes.Add(new("FieldValueInvalid", $"{at}.name", $"Invalid value: \"{containerName}\": {LabelMessage}"));
        else if (!seen.Add(containerName))
            causes.Add(new("FieldValueDuplicate", $"{at}.name", $"Duplicate value: \"{containerName}\""));
        if (string.IsNullOrEmpty(container.String("image")))
            causes.Add(new("FieldValueRequired", $"{at}.image", "Required value"));
        var env = container?["env"] as JsonArray ?? [];
        for (var e = 0; e < env.Count; e++)
        {
            if (string.IsNullOrEmpty(env[e].String("name")))
                causes.Add(new("FieldValueRequired", $"{at}.env[{e}].name", "Required value"));
        }
        var ports = container?["ports"] as JsonArray ?? [];
        for (var p = 0; p < ports.Count; p++)
        {
            if (ports[p].Number("containerPort") is not (>= 1 and <= 65535))
                causes.Add(new("FieldValueInvalid", $"{at}.ports[{p}].containerPort", $"Invalid value: {ports[p].Number("containerPort") ?? 0}: must be between 1 and 65535, inclusive"));
        }
    }

    // A pod's spec is immutable but for images, activeDeadlineSeconds, added tolerations and the node it is bound to once.
    private static void PodUpdate(JsonObject obj, JsonObject previous, List<StatusCause> causes)
    {
        static JsonObject Comparable(JsonObject pod)
        {
            var spec = pod["spec"]?.DeepClone() as JsonObject ?? [];
            foreach (var container in ObjectMeta.Containers(spec))
                container.Remove("image");
            spec.Remove("activeDeadlineSeconds");
            spec.Remove("tolerations");
            spec.Remove("nodeName");
            return spec;
        }
        if (!JsonNode.DeepEquals(Comparable(obj), Comparable(previous)))
            causes.Add(new("FieldValueForbidden", "spec", "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"));
        var before = previous["spec"].String("nodeName");
        if (!string.IsNullOrEmpty(before) && before != obj["spec"].String("nodeName"))
            causes.Add(new("FieldValueInvalid", "spec.nodeName", "Invalid value: field is immutable"));
    }

    private static void Rules(JsonObject obj, bool namespaced, List<StatusCause> causes)
    {
        var rules = obj["rules"] as JsonArray ?? [];
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i] as JsonObject;
            if (rule?["verbs"] is not JsonArray { Count: > 0 })
                causes.Add(new("FieldValueRequired", $"rules[{i}].verbs", "Required value: verbs must contain at least one value"));
            var nonResource = rule?["nonResourceURLs"] is JsonArray { Count: > 0 };
            if (nonResource && namespaced)
                causes.Add(new("FieldValueInvalid", $"rules[{i}].nonResourceURLs", $"Invalid value: {rule!["nonResourceURLs"]!.ToJsonString()}: namespaced rules cannot apply to non-resource URLs"));
            if (nonResource && (rule!["apiGroups"] is JsonArray { Count: > 0 } || rule["resources"] is JsonArray { Count: > 0 }))
                causes.Add(new("FieldValueInvalid", $"rules[{i}].nonResourceURLs", $"Invalid value: {rule["nonResourceURLs"]!.ToJsonString()}: rules cannot apply to both regular resources and non-resource URLs"));
            if (!nonResource && rule?["resources"] is not JsonArray { Count: > 0 })
                causes.Add(new("FieldValueRequired", $"rules[{i}].resources", "Required value: resource rules must supply at least one resource"));
            if (!nonResource && rule?["apiGroups"] is not JsonArray { Count: > 0 })
                causes.Add(new("FieldValueRequired", $"rules[{i}].apiGroups", "Required value: resource rules must supply at least one api group"));
        }
    }

    private static void Binding(JsonObject obj, JsonObject? previous, bool clusterScoped, List<StatusCause> causes)
    {
        var roleRef = obj["roleRef"] as JsonObject;
        var kind = roleRef.String("kind");
        if (clusterScoped ? kind != "ClusterRole" : kind is not ("Role" or "ClusterRole"))
            causes.Add(new("FieldValueNotSupported", "roleRef.kind", $"Unsupported value: \"{kind}\": supported values: " + (clusterScoped ? "\"ClusterRole\"" : "\"Role\", \"ClusterRole\"")));
        if (string.IsNullOrEmpty(roleRef.String("name")))
            causes.Add(new("FieldValueRequired", "roleRef.name", "Required value"));
        if (roleRef.String("apiGroup") != "rbac.authorization.k8s.io")
            causes.Add(new("FieldValueNotSupported", "roleRef.apiGroup", $"Unsupported value: \"{roleRef.String("apiGroup")}\": supported values: \"rbac.authorization.k8s.io\""));
        if (previous?["roleRef"] is { } before && !JsonNode.DeepEquals(before, obj["roleRef"]))
            causes.Add(new("FieldValueInvalid", "roleRef", $"Invalid value: {obj["roleRef"]?.ToJsonString()}: cannot change roleRef"));
        var subjects = obj["subjects"] as JsonArray ?? [];
        for (var i = 0; i < subjects.Count; i++)
        {
            var subject = subjects[i] as JsonObject;
            var subjectKind = subject.String("kind");
            if (subjectKind is not ("ServiceAccount" or "User" or "Group"))
                causes.Add(new("FieldValueNotSupported", $"subjects[{i}].kind", $"Unsupported value: \"{subjectKind}\": supported values: \"ServiceAccount\", \"User\", \"Group\""));
            if (string.IsNullOrEmpty(subject.String("name")))
                causes.Add(new("FieldValueRequired", $"subjects[{i}].name", "Required value"));
            if (subjectKind == "ServiceAccount" && clusterScoped && string.IsNullOrEmpty(subject.String("namespace")))
                causes.Add(new("FieldValueRequired", $"subjects[{i}].namespace", "Required value"));
        }
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
    private static partial Regex QualifiedNamePart();

    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex ConfigKey();
}
