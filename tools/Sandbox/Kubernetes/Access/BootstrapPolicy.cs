using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes.Access;

/// <summary>
/// The default ClusterRoles and ClusterRoleBindings an API server creates at start: cluster-admin (bound to
/// system:masters), the discovery, basic-user and public-info roles every authenticated user holds, and the
/// user-facing admin, edit and view roles (their aggregated rules written out, for the resources served here).
/// </summary>
public static class BootstrapPolicy
{
    private static readonly string[] ReadVerbs = ["get", "list", "watch"];
    private static readonly string[] WriteVerbs = ["create", "delete", "deletecollection", "patch", "update"];

    public static IEnumerable<(ResourceType Type, JsonObject Object)> Objects()
    {
        yield return Role("cluster-admin", Rule(["*"], ["*"], ["*"]), NonResource(["*"], ["*"]));
        yield return Role("system:discovery", NonResource(["get"], ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"]));
        yield return Role("system:public-info-viewer", NonResource(["get"], ["/healthz", "/livez", "/readyz", "/version", "/version/"]));
        yield return Role("system:basic-user",
            Rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
            Rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"]));
        yield return Role("view", [.. ViewRules()]);
        yield return Role("edit", [.. EditRules()]);
        yield return Role("admin", [.. EditRules(),
            Rule([.. ReadVerbs, .. WriteVerbs], ["rbac.authorization.k8s.io"], ["rolebindings", "roles"]),
            Rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"])]);

        yield return Binding("cluster-admin", "cluster-admin", "Group", UserInfo.Masters);
        yield return Binding("system:discovery", "system:discovery", "Group", UserInfo.Authenticated);
        yield return Binding("system:basic-user", "system:basic-user", "Group", UserInfo.Authenticated);
        yield return Binding("system:public-info-viewer", "system:public-info-viewer", "Group", UserInfo.Authenticated, "system:unauthenticated");
    }

    private static IEnumerable<JsonObject> ViewRules()
    {
        yield return Rule(ReadVerbs, [""], ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods", "pods/log", "pods/status", "replicationcontrollers", "services", "services/status", "serviceaccounts", "events", "namespaces", "namespaces/status"]);
        yield return Rule(ReadVerbs, ["apps"], ["deployments", "deployments/status", "replicasets", "replicasets/status", "statefulsets", "daemonsets"]);
        yield return Rule(ReadVerbs, ["batch"], ["jobs", "jobs/status", "cronjobs"]);
    }

    private static IEnumerable<JsonObject> EditRules()
    {
        foreach (var rule in ViewRules())
            yield return rule;
        yield return Rule(ReadVerbs, [""], ["secrets"]);
        yield return Rule(WriteVerbs, [""], ["configmaps", "endpoints", "persistentvolumeclaims", "pods", "secrets", "services", "serviceaccounts"]);
        yield return Rule(["create"], [""], ["serviceaccounts/token"]);
        yield return Rule(["get", "create", "update", "patch", "delete"], [""], ["pods/proxy", "services/proxy"]);
        yield return Rule(["impersonate"], [""], ["serviceaccounts"]);
        yield return Rule(WriteVerbs, ["apps"], ["deployments", "replicasets", "deployments/scale", "replicasets/scale"]);
        yield return Rule(WriteVerbs, ["batch"], ["jobs", "cronjobs"]);
    }

    private static JsonObject Rule(IEnumerable<string> verbs, IEnumerable<string> groups, IEnumerable<string> resources) => new()
    {
        ["verbs"] = Strings(verbs),
        ["apiGroups"] = Strings(groups),
        ["resources"] = Strings(resources),
    };

    private static JsonObject NonResource(IEnumerable<string> verbs, IEnumerable<string> urls) => new()
    {
        ["verbs"] = Strings(verbs),
        ["nonResourceURLs"] = Strings(urls),
    };

    private static (ResourceType, JsonObject) Role(string name, params JsonObject[] rules) => (ResourceCatalog.ClusterRoles, new JsonObject
    {
        ["metadata"] = Defaults(name),
        ["rules"] = new JsonArray(rules.Select(r => (JsonNode)r).ToArray()),
    });

    private static (ResourceType, JsonObject) Binding(string name, string role, string kind, params string[] subjects) => (ResourceCatalog.ClusterRoleBindings, new JsonObject
    {
        ["metadata"] = Defaults(name),
        ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "ClusterRole", ["name"] = role },
        ["subjects"] = new JsonArray(subjects.Select(s => (JsonNode)new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = kind, ["name"] = s }).ToArray()),
    });

    private static JsonObject Defaults(string name) => new()
    {
        ["name"] = name,
        ["labels"] = new JsonObject { ["kubernetes.io/bootstrapping"] = "rbac-defaults" },
        ["annotations"] = new JsonObject { ["rbac.authorization.kubernetes.io/autoupdate"] = "true" },
    };

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());
}
