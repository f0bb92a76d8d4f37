namespace Mlops.Sandbox.Kubernetes;

/// <summary>The resources this API server serves, by group, version and plural.</summary>
public static class ResourceCatalog
{
    private const string Rbac = "rbac.authorization.k8s.io";
    private static readonly IReadOnlyList<string> CreateOnly = ["create"];
    private static readonly IReadOnlyList<string> ScaleVerbs = ["get", "patch", "update"];
    private static readonly IReadOnlyList<string> InAllCategory = ["all"];

    public static readonly ResourceType Namespaces = new("", "v1", "namespaces", "Namespace", false, ["ns"], true, false, false);
    public static readonly ResourceType Secrets = new("", "v1", "secrets", "Secret", true, [], false, false, false);
    public static readonly ResourceType ConfigMaps = new("", "v1", "configmaps", "ConfigMap", true, ["cm"], false, false, false);

    public static readonly ResourceType Services = new("", "v1", "services", "Service", true, ["svc"], true, false, false)
    {
        Subresources = new Dictionary<string, IReadOnlyList<string>> { ["proxy"] = ["create", "delete", "get", "patch", "update"] },
        Categories = InAllCategory,
    };

    public static readonly ResourceType PersistentVolumeClaims = new("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, ["pvc"], true, false, false);

    public static readonly ResourceType Pods = new("", "v1", "pods", "Pod", true, ["po"], true, false, false)
    {
        Subresources = new Dictionary<string, IReadOnlyList<string>>
        {
            ["log"] = ["get"],
            ["proxy"] = ["create", "delete", "get", "patch", "update"],
        },
        Categories = InAllCategory,
    };

    public static readonly ResourceType ServiceAccounts = new("", "v1", "serviceaccounts", "ServiceAccount", true, ["sa"], false, false, false)
    {
        Subresources = new Dictionary<string, IReadOnlyList<string>> { ["token"] = CreateOnly },
    };

    public static readonly ResourceType Events = new("", "v1", "events", "Event", true, ["ev"], false, false, false);

    public static readonly ResourceType Nodes = new("", "v1", "nodes", "Node", false, ["no"], true, false, false);

    public static readonly ResourceType Deployments = new("apps", "v1", "deployments", "Deployment", true, ["deploy"], true, true, false)
    {
        Categories = InAllCategory,
        Subresources = new Dictionary<string, IReadOnlyList<string>> { ["scale"] = ScaleVerbs },
    };

    public static readonly ResourceType ReplicaSets = new("apps", "v1", "replicasets", "ReplicaSet", true, ["rs"], true, true, false)
    {
        Categories = InAllCategory,
        Subresources = new Dictionary<string, IReadOnlyList<string>> { ["scale"] = ScaleVerbs },
    };
    public static readonly ResourceType Jobs = new("batch", "v1", "jobs", "Job", true, [], true, true, false) { Categories = InAllCategory };

    // Stored and served, with nothing acting on them: no evictions here to budget, and no ingress controller.
    public static readonly ResourceType PodDisruptionBudgets = new("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, ["pdb"], true, true, false);
    public static readonly ResourceType Ingresses = new("networking.k8s.io", "v1", "ingresses", "Ingress", true, ["ing"], true, true, false);

    public static readonly ResourceType Roles = new(Rbac, "v1", "roles", "Role", true, [], false, false, false);
    public static readonly ResourceType ClusterRoles = new(Rbac, "v1", "clusterroles", "ClusterRole", false, [], false, false, false);
    public static readonly ResourceType RoleBindings = new(Rbac, "v1", "rolebindings", "RoleBinding", true, [], false, false, false);
    public static readonly ResourceType ClusterRoleBindings = new(Rbac, "v1", "clusterrolebindings", "ClusterRoleBinding", false, [], false, false, false);

    public static readonly ResourceType SelfSubjectAccessReviews = new("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview", false, [], false, false, false)
    {
        Stored = false,
        Verbs = CreateOnly,
    };

    public static readonly ResourceType SubjectAccessReviews = new("authorization.k8s.io", "v1", "subjectaccessreviews", "SubjectAccessReview", false, [], false, false, false)
    {
        Stored = false,
        Verbs = CreateOnly,
    };

    public static readonly ResourceType SelfSubjectRulesReviews = new("authorization.k8s.io", "v1", "selfsubjectrulesreviews", "SelfSubjectRulesReview", false, [], false, false, false)
    {
        Stored = false,
        Verbs = CreateOnly,
    };

    public static readonly ResourceType SelfSubjectReviews = new("authentication.k8s.io", "v1", "selfsubjectreviews", "SelfSubjectReview", false, [], false, false, false)
    {
        Stored = false,
        Verbs = CreateOnly,
    };

    public static readonly ResourceType SealedSecrets = new("bitnami.com", "v1alpha1", "sealedsecrets", "SealedSecret", true, [], true, true, true);
    public static readonly ResourceType Workflows = new("argoproj.io", "v1alpha1", "workflows", "Workflow", true, ["wf"], false, true, true);

    public static IReadOnlyList<ResourceType> All { get; } =
    [
        Namespaces, Nodes, Secrets, ConfigMaps, Services, PersistentVolumeClaims, Pods, ServiceAccounts, Events,
        Deployments, ReplicaSets, Jobs, PodDisruptionBudgets, Ingresses,
        SelfSubjectReviews, SelfSubjectAccessReviews, SelfSubjectRulesReviews, SubjectAccessReviews,
        Roles, ClusterRoles, RoleBindings, ClusterRoleBindings,
        SealedSecrets, Workflows,
    ];

    /// <summary>Group versions in discovery order, core first.</summary>
    public static IReadOnlyList<(string Group, string Version)> GroupVersions { get; } =
        All.Select(t => (t.Group, t.Version)).Distinct().ToList();

    public static ResourceType? Find(string group, string version, string plural) =>
        All.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);

    public static ResourceType? FindByKind(string apiVersion, string kind) =>
        All.FirstOrDefault(t => t.ApiVersion == apiVersion && t.Kind == kind);
}
