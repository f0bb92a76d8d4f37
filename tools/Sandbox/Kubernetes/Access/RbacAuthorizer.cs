using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes.Access;

/// <summary>
/// The API server's authorization chain: members of <c>system:masters</c> may do anything; everyone else gets what the
/// served Roles, ClusterRoles, RoleBindings and ClusterRoleBindings grant (verbs, API groups, resources with
/// subresources, resourceNames, non-resource URLs, <c>*</c> wildcards; aggregation is not evaluated).
/// </summary>
public sealed class RbacAuthorizer(KubernetesRegistry registry)
{
    public AccessDecision Authorize(UserInfo user, RequestAttributes request)
    {
        if (user.IsPrivileged)
            return new AccessDecision(true, "");
        foreach (var binding in registry.List(ResourceCatalog.ClusterRoleBindings, null).Items)
        {
            if (Grants(binding, bindingNamespace: "", user, request) is { } subject)
                return new AccessDecision(true, $"RBAC: allowed by ClusterRoleBinding \"{binding.Name()}\" of ClusterRole \"{binding["roleRef"].String("name")}\" to {subject}");
        }
        if (request.IsResourceRequest && request.Namespace.Length > 0)
        {
            foreach (var binding in registry.List(ResourceCatalog.RoleBindings, request.Namespace).Items)
            {
                if (Grants(binding, request.Namespace, user, request) is { } subject)
                    return new AccessDecision(true, $"RBAC: allowed by RoleBinding \"{binding.Name()}/{request.Namespace}\" of {binding["roleRef"].String("kind")} \"{binding["roleRef"].String("name")}\" to {subject}");
            }
        }
        return AccessDecision.NoOpinion;
    }

    /// <summary>Every rule that applies to <paramref name="user"/> in <paramref name="ns"/> (cluster-wide rules included).</summary>
    public IReadOnlyList<JsonObject> RulesFor(UserInfo user, string ns)
    {
        var rules = new List<JsonObject>();
        foreach (var binding in registry.List(ResourceCatalog.ClusterRoleBindings, null).Items.Where(b => Subject(b, "", user) is not null))
            rules.AddRange(RoleRules(binding, ""));
        if (ns.Length > 0)
        {
            foreach (var binding in registry.List(ResourceCatalog.RoleBindings, ns).Items.Where(b => Subject(b, ns, user) is not null))
                rules.AddRange(RoleRules(binding, ns));
        }
        return rules;
    }

    // The subject that matched, described as RBAC's reasons describe it, when the binding's role allows the request.
    private string? Grants(JsonObject binding, string bindingNamespace, UserInfo user, RequestAttributes request)
    {
        var subject = Subject(binding, bindingNamespace, user);
        if (subject is null)
            return null;
        return RoleRules(binding, bindingNamespace).Any(rule => Allows(rule, request)) ? subject : null;
    }

    private IEnumerable<JsonObject> RoleRules(JsonObject binding, string bindingNamespace)
    {
        var roleRef = binding["roleRef"];
        var role = roleRef.String("kind") == "Role"
            ? registry.Find(ResourceCatalog.Roles, bindingNamespace, roleRef.String("name") ?? "")
            : registry.Find(ResourceCatalog.ClusterRoles, null, roleRef.String("name") ?? "");
        return (role?["rules"] as JsonArray ?? []).OfType<JsonObject>();
    }

    private static string? Subject(JsonObject binding, string bindingNamespace, UserInfo user)
    {
        foreach (var subject in (binding["subjects"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = subject.String("name") ?? "";
            switch (subject.String("kind"))
            {
                case "User" when name == user.Name:
                    return $"User \"{name}\"";
                case "Group" when user.Groups.Contains(name):
                    return $"Group \"{name}\"";
                case "ServiceAccount":
                {
                    // A subject without a namespace means the binding's own.
                    var ns = subject.String("namespace") is { Length: > 0 } given ? given : bindingNamespace;
                    if (user.Name == $"{UserInfo.ServiceAccountPrefix}{ns}:{name}")
                        return $"ServiceAccount \"{name}/{ns}\"";
                    break;
                }
            }
        }
        return null;
    }

    /// <summary>True when <paramref name="rule"/> (a PolicyRule) allows <paramref name="request"/>.</summary>
    public static bool Allows(JsonObject rule, RequestAttributes request)
    {
        if (!Contains(rule["verbs"], request.Verb))
            return false;
        if (!request.IsResourceRequest)
            return Strings(rule["nonResourceURLs"]).Any(url => url == "*" || url == request.Path || (url.EndsWith('*') && request.Path.StartsWith(url.TrimEnd('*'), StringComparison.Ordinal)));
        if (!Contains(rule["apiGroups"], request.Group))
            return false;
        var resources = Strings(rule["resources"]).ToList();
        var resourceMatches = resources.Any(r => r == "*" || r == request.CombinedResource || (request.Subresource.Length > 0 && r == "*/" + request.Subresource));
        if (!resourceMatches)
            return false;
        var names = Strings(rule["resourceNames"]).ToList();
        return names.Count == 0 || (request.Name.Length > 0 && names.Contains(request.Name));
    }

    private static bool Contains(JsonNode? list, string value) => Strings(list).Any(v => v == "*" || v == value);

    private static IEnumerable<string> Strings(JsonNode? list) => (list as JsonArray ?? []).Select(v => v?.ToString() ?? "");

    /// <summary>The message of a 403 for <paramref name="request"/>, as the API server words it.</summary>
    public static KubernetesApiException Forbidden(UserInfo user, RequestAttributes request)
    {
        if (!request.IsResourceRequest)
            return KubernetesApiException.Forbidden($"User \"{user.Name}\" cannot {request.Verb} path \"{request.Path}\"");
        var scope = request.Namespace.Length > 0 ? $"in the namespace \"{request.Namespace}\"" : "at the cluster scope";
        var message = $"User \"{user.Name}\" cannot {request.Verb} resource \"{request.CombinedResource}\" in API group \"{request.Group}\" {scope}";
        var type = ResourceCatalog.All.FirstOrDefault(t => t.Group == request.Group && t.Plural == request.Resource)
                   ?? new ResourceType(request.Group, "", request.Resource, request.Resource, request.Namespace.Length > 0, [], false, false, false);
        return KubernetesApiException.Forbidden(type, request.Name, message);
    }
}
