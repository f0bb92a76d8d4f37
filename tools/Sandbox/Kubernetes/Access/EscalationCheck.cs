using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes.Access;

/// <summary>
/// RBAC's escalation prevention: a Role or ClusterRole may be written only by a caller who holds every permission it
/// grants (or may <c>escalate</c>), a binding only by one who holds the referenced role's permissions (or may
/// <c>bind</c> it); otherwise 403 with the API server's "attempting to grant RBAC permissions not currently held".
/// </summary>
public sealed class EscalationCheck(KubernetesRegistry registry, RbacAuthorizer authorizer)
{
    private const string Group = "rbac.authorization.k8s.io";

    public static bool Guards(ResourceType type) =>
        type == ResourceCatalog.Roles || type == ResourceCatalog.ClusterRoles || type == ResourceCatalog.RoleBindings || type == ResourceCatalog.ClusterRoleBindings;

    /// <summary>Throws when <paramref name="user"/> may not write <paramref name="obj"/> (a role or binding in <paramref name="ns"/>).</summary>
    public void Check(UserInfo user, ResourceType type, string? ns, JsonObject obj)
    {
        if (user.IsPrivileged || !Guards(type))
            return;
        var scope = type.Namespaced ? ns ?? obj.Namespace() ?? "" : "";
        IReadOnlyList<JsonObject> granted;
        if (type == ResourceCatalog.Roles || type == ResourceCatalog.ClusterRoles)
        {
            if (authorizer.Authorize(user, RequestAttributes.ForResource("escalate", Group, type.Plural, "", scope, obj.Name())).Allowed)
                return;
            granted = (obj["rules"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        }
        else
        {
            var roleRef = obj["roleRef"];
            var roleType = roleRef.String("kind") == "Role" ? ResourceCatalog.Roles : ResourceCatalog.ClusterRoles;
            var roleName = roleRef.String("name") ?? "";
            if (authorizer.Authorize(user, RequestAttributes.ForResource("bind", Group, roleType.Plural, "", roleType == ResourceCatalog.Roles ? scope : "", roleName)).Allowed)
                return;
            var role = registry.Get(roleType, roleType == ResourceCatalog.Roles ? scope : null, roleName);
            granted = (role["rules"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        }
        var held = authorizer.RulesFor(user, scope);
        var missing = Atoms(granted, scope).Where(atom => !held.Any(rule => RbacAuthorizer.Allows(rule, atom.Request))).ToList();
        if (missing.Count == 0)
            return;
        var groups = string.Join(' ', user.Groups.Select(g => $"\"{g}\""));
        throw KubernetesApiException.Forbidden(type, obj.Name(),
            $"user \"{user.Name}\" (groups=[{groups}]) is attempting to grant RBAC permissions not currently held:\n" + string.Join('\n', Compact(missing)));
    }

    // A rule taken apart into single permissions, as RBAC's coverage check compares them.
    private static IEnumerable<(RequestAttributes Request, string Key, string Verb)> Atoms(IEnumerable<JsonObject> rules, string ns)
    {
        foreach (var rule in rules)
        {
            var verbs = Strings(rule["verbs"]);
            var urls = Strings(rule["nonResourceURLs"]);
            foreach (var url in urls)
            {
                foreach (var verb in verbs)
                    yield return (RequestAttributes.ForPath(verb, url), $"{{NonResourceURLs:[\"{url}\"]", verb);
            }
            if (urls.Count > 0)
                continue;
            var names = Strings(rule["resourceNames"]);
            foreach (var group in Strings(rule["apiGroups"]))
            {
                foreach (var resource in Strings(rule["resources"]))
                {
                    var slash = resource.IndexOf('/', StringComparison.Ordinal);
                    var (plural, sub) = slash < 0 ? (resource, "") : (resource[..slash], resource[(slash + 1)..]);
                    foreach (var name in names.Count == 0 ? [""] : names)
                    {
                        var key = $"{{APIGroups:[\"{group}\"], Resources:[\"{resource}\"]" + (name.Length > 0 ? $", ResourceNames:[\"{name}\"]" : "");
                        foreach (var verb in verbs)
                            yield return (RequestAttributes.ForResource(verb, group, plural, sub, ns, name), key, verb);
                    }
                }
            }
        }
    }

    // Missing permissions grouped as RBAC's CompactString writes them: {APIGroups:["apps"], Resources:["deployments"], Verbs:["create"]}.
    private static IEnumerable<string> Compact(IEnumerable<(RequestAttributes Request, string Key, string Verb)> missing) =>
        missing.GroupBy(m => m.Key).Select(g => $"{g.Key}, Verbs:[{string.Join(' ', g.Select(m => $"\"{m.Verb}\"").Distinct())}]}}");

    private static List<string> Strings(JsonNode? list) => (list as JsonArray ?? []).Select(v => v?.ToString() ?? "").ToList();
}
