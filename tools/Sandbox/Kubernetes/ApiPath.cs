namespace Mlops.Sandbox.Kubernetes;

/// <summary>A resource URL taken apart: <c>/apis/{group}/{version}[/namespaces/{ns}]/{plural}[/{name}[/{subresource}]]</c>.</summary>
public sealed record ApiPath(ResourceType Type, string? Namespace, string? Name, string? Subresource, bool LegacyWatch, string? ProxyPath = null)
{
    /// <summary>Null when the path names no served resource (discovery paths included).</summary>
    public static ApiPath? Parse(string path)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var trailingSlash = path.Length > 1 && path.EndsWith('/');
        string group, version;
        int at;
        if (segments.Length >= 3 && segments[0] == "api")
        {
            (group, version, at) = ("", segments[1], 2);
        }
        else if (segments.Length >= 4 && segments[0] == "apis")
        {
            (group, version, at) = (segments[1], segments[2], 3);
        }
        else
            return null;

        var rest = segments[at..];
        var legacyWatch = rest.Length > 0 && rest[0] == "watch";
        if (legacyWatch)
            rest = rest[1..];
        if (rest.Length >= 3 && rest[0] == "namespaces" && ResourceCatalog.Find(group, version, rest[2]) is { Namespaced: true } namespaced)
            return Build(namespaced, rest[1], rest[3..], legacyWatch, trailingSlash);
        if (rest.Length >= 1 && ResourceCatalog.Find(group, version, rest[0]) is { } type)
            return Build(type, null, rest[1..], legacyWatch, trailingSlash);
        return null;
    }

    private static ApiPath? Build(ResourceType type, string? ns, string[] tail, bool legacyWatch, bool trailingSlash) => tail.Length switch
    {
        0 => new ApiPath(type, ns, null, null, legacyWatch),
        1 => new ApiPath(type, ns, Uri.UnescapeDataString(tail[0]), null, legacyWatch),
        2 when tail[1] == "proxy" => new ApiPath(type, ns, Uri.UnescapeDataString(tail[0]), "proxy", legacyWatch, "/"),
        2 => new ApiPath(type, ns, Uri.UnescapeDataString(tail[0]), tail[1], legacyWatch),
        // Everything after proxy/ is the path the proxied request goes to.
        _ when tail[1] == "proxy" => new ApiPath(type, ns, Uri.UnescapeDataString(tail[0]), "proxy", legacyWatch, "/" + string.Join('/', tail[2..]) + (trailingSlash ? "/" : "")),
        _ => null,
    };

    /// <summary>The audit verb of a request to this path.</summary>
    public string Verb(string method, bool watchQuery) => method switch
    {
        "GET" when LegacyWatch || watchQuery => "watch",
        "GET" => Name is null ? "list" : "get",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => Name is null ? "deletecollection" : "delete",
        _ => method.ToLowerInvariant(),
    };
}
