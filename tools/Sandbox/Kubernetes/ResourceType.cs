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
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string Singular => Kind.ToLowerInvariant();

    /// <summary>How Status messages name the resource, e.g. <c>deployments.apps</c> or <c>secrets</c>.</summary>
    public string QualifiedPlural => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>How Invalid messages name the kind, e.g. <c>Deployment.apps</c>.</summary>
    public string QualifiedKind => Group.Length == 0 ? Kind : $"{Kind}.{Group}";
}
