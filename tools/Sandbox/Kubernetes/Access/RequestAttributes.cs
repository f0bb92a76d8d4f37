namespace Mlops.Sandbox.Kubernetes.Access;

/// <summary>
/// What a request asks for, in the authorizer's terms (the API server's RequestInfo): a resource request (verb, API
/// group, resource, subresource, namespace, name) or a non-resource path with its verb.
/// </summary>
public sealed record RequestAttributes(
    bool IsResourceRequest,
    string Verb,
    string Group,
    string Resource,
    string Subresource,
    string Namespace,
    string Name,
    string Path)
{
    // Namespace subresources: /api/v1/namespaces/{name}/status names the namespace itself.
    private static readonly string[] NamespaceSubresources = ["status", "finalize"];

    public static RequestAttributes ForResource(string verb, string group, string resource, string subresource, string ns, string name) =>
        new(true, verb, group, resource, subresource, ns, name, "");

    public static RequestAttributes ForPath(string verb, string path) => new(false, verb, "", "", "", "", "", path);

    /// <summary>The resource with its subresource, as RBAC rules name it (<c>pods/log</c>).</summary>
    public string CombinedResource => Subresource.Length == 0 ? Resource : $"{Resource}/{Subresource}";

    /// <summary>Parses a request the way the API server's RequestInfoFactory does, whether or not the resource is served.</summary>
    public static RequestAttributes From(string method, string path, IQueryCollection query)
    {
        var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        int at;
        string group;
        if (parts.Length >= 2 && parts[0] == "api")
            (group, at) = ("", 2);
        else if (parts.Length >= 3 && parts[0] == "apis")
            (group, at) = (parts[1], 3);
        else
            return ForPath(method.ToLowerInvariant(), "/" + string.Join('/', parts));
        var rest = parts[at..];
        if (rest.Length == 0)
            return ForPath(method.ToLowerInvariant(), "/" + string.Join('/', parts));

        var legacyWatch = rest[0] == "watch";
        if (legacyWatch)
            rest = rest[1..];
        var ns = "";
        if (rest.Length > 1 && rest[0] == "namespaces")
        {
            ns = Uri.UnescapeDataString(rest[1]);
            if (rest.Length > 2 && !NamespaceSubresources.Contains(rest[2]))
                rest = rest[2..];
        }
        if (rest.Length == 0)
            return ForPath(method.ToLowerInvariant(), "/" + string.Join('/', parts));
        var resource = rest[0];
        var name = rest.Length >= 2 ? Uri.UnescapeDataString(rest[1]) : "";
        var subresource = rest.Length >= 3 ? rest[2] : "";
        var watch = legacyWatch || query["watch"].ToString() is "true" or "1";
        var verb = method switch
        {
            "GET" or "HEAD" when watch => "watch",
            "GET" or "HEAD" => name.Length == 0 ? "list" : "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => name.Length == 0 ? "deletecollection" : "delete",
            _ => method.ToLowerInvariant(),
        };
        // A list or watch of one object by field selector is authorized as a request for that name.
        if (verb is "list" or "watch" && name.Length == 0 && query["fieldSelector"].ToString() is { Length: > 0 } fields)
        {
            var terms = fields.Split(',');
            if (terms.Length == 1 && terms[0].StartsWith("metadata.name=", StringComparison.Ordinal))
                name = terms[0]["metadata.name=".Length..];
        }
        return ForResource(verb, group, resource, subresource, ns, name);
    }
}
