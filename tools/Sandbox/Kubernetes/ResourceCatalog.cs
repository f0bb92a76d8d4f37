namespace Mlops.Sandbox.Kubernetes;

/// <summary>The resources this API server serves, by group, version and plural.</summary>
public static class ResourceCatalog
{
    public static readonly ResourceType Namespaces = new("", "v1", "namespaces", "Namespace", false, ["ns"], true, false, false);
    public static readonly ResourceType Secrets = new("", "v1", "secrets", "Secret", true, [], false, false, false);
    public static readonly ResourceType ConfigMaps = new("", "v1", "configmaps", "ConfigMap", true, ["cm"], false, false, false);
    public static readonly ResourceType Services = new("", "v1", "services", "Service", true, ["svc"], true, false, false);
    public static readonly ResourceType PersistentVolumeClaims = new("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, ["pvc"], true, false, false);
    public static readonly ResourceType Deployments = new("apps", "v1", "deployments", "Deployment", true, ["deploy"], true, true, false);
    public static readonly ResourceType ReplicaSets = new("apps", "v1", "replicasets", "ReplicaSet", true, ["rs"], true, true, false);
    public static readonly ResourceType Jobs = new("batch", "v1", "jobs", "Job", true, [], true, true, false);
    public static readonly ResourceType SealedSecrets = new("bitnami.com", "v1alpha1", "sealedsecrets", "SealedSecret", true, [], true, true, true);
    public static readonly ResourceType Workflows = new("argoproj.io", "v1alpha1", "workflows", "Workflow", true, ["wf"], false, true, true);

    public static IReadOnlyList<ResourceType> All { get; } =
        [Namespaces, Secrets, ConfigMaps, Services, PersistentVolumeClaims, Deployments, ReplicaSets, Jobs, SealedSecrets, Workflows];

    /// <summary>Group versions in discovery order, core first.</summary>
    public static IReadOnlyList<(string Group, string Version)> GroupVersions { get; } =
        All.Select(t => (t.Group, t.Version)).Distinct().ToList();

    public static ResourceType? Find(string group, string version, string plural) =>
        All.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);

    public static ResourceType? FindByKind(string apiVersion, string kind) =>
        All.FirstOrDefault(t => t.ApiVersion == apiVersion && t.Kind == kind);
}
