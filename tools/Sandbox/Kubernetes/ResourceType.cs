namespace Mlops.Sandbox.Kubernetes;

/// <summary>One served resource: where it lives in the API, its kind and how the registry treats it.</summary>
public sealed record ResourceType(
    string Group,
    string Version,
    string Plural,
    string Kind,
    bool Namespaced,
    IReadOnlyList<string> ShortNames,
    bool HasStatusSubresource,
    bool TracksGeneration,
    bool IsCustom)
{
    /// <summary>The verbs every stored kind is served with.</summary>
    public static readonly IReadOnlyList<string> StoredVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string Singular => Kind.ToLowerInvariant();

    /// <summary>How Status messages name the resource, e.g. <c>deployments.apps</c> or <c>secrets</c>.</summary>
    public string QualifiedPlural => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>How Invalid messages name the kind, e.g. <c>Deployment.apps</c>.</summary>
    public string QualifiedKind => Group.Length == 0 ? Kind : $"{Kind}.{Group}";

    /// <summary>False for kinds that are only ever created and answered, never kept (access reviews).</summary>
    public bool Stored { get; init; } = true;

    /// <summary>The verbs discovery lists for the resource.</summary>
    public IReadOnlyList<string> Verbs { get; init; } = StoredVerbs;

    /// <summary>Subresources other than status, with their verbs (e.g. <c>log</c>: get).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Subresources { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Discovery categories, e.g. <c>all</c> for what <c>kubectl get all</c> lists.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>True when the resource serves <paramref name="subresource"/> (null: the resource itself).</summary>
    public bool Serves(string? subresource) =>
        subresource is null || (subresource == "status" && HasStatusSubresource) || Subresources.ContainsKey(subresource);
}
