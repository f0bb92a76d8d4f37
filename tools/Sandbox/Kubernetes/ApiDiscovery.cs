using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>The discovery documents kubectl and clients read before anything else (legacy, non-aggregated form).</summary>
public static class ApiDiscovery
{
    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = "v1.32.0",
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2024-12-11T00:00:00Z",
        ["goVersion"] = "go1.23.3",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public static JsonObject CoreVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject Groups() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(ResourceCatalog.GroupVersions.Where(gv => gv.Group.Length > 0).Select(gv => (JsonNode?)Group(gv.Group)).ToArray()),
    };

    public static JsonObject? Group(string group)
    {
        var versions = ResourceCatalog.GroupVersions.Where(gv => gv.Group == group).ToList();
        if (versions.Count == 0)
            return null;
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = group,
            ["versions"] = new JsonArray(versions.Select(v => (JsonNode)GroupVersion(group, v.Version)).ToArray()),
            ["preferredVersion"] = GroupVersion(group, versions[0].Version),
        };
    }

    public static JsonObject? Resources(string group, string version)
    {
        var types = ResourceCatalog.All.Where(t => t.Group == group && t.Version == version).ToList();
        if (types.Count == 0)
            return null;
        var resources = new JsonArray();
        foreach (var type in types)
        {
            var resource = new JsonObject
            {
                ["name"] = type.Plural,
                ["singularName"] = type.Singular,
                ["namespaced"] = type.Namespaced,
                ["kind"] = type.Kind,
                ["verbs"] = new JsonArray(type.Verbs.Select(v => (JsonNode)v).ToArray()),
            };
            if (type.ShortNames.Count > 0)
                resource["shortNames"] = new JsonArray(type.ShortNames.Select(s => (JsonNode)s).ToArray());
            if (type.Categories.Count > 0)
                resource["categories"] = new JsonArray(type.Categories.Select(c => (JsonNode)c).ToArray());
            resources.Add(resource);
            var subresources = type.Subresources.ToList();
            if (type.HasStatusSubresource)
                subresources.Add(new("status", ["get", "patch", "update"]));
            foreach (var (name, verbs) in subresources.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                resources.Add(new JsonObject
                {
                    ["name"] = $"{type.Plural}/{name}",
                    ["singularName"] = "",
                    ["namespaced"] = type.Namespaced,
                    // TokenRequest is served under serviceaccounts/token in its own group.
                    ["group"] = name switch { "token" => "authentication.k8s.io", "scale" => "autoscaling", _ => null },
                    ["version"] = name is "token" or "scale" ? "v1" : null,
                    ["kind"] = name switch
                    {
                        "token" => "TokenRequest",
                        "scale" => "Scale",
                        "proxy" => type == ResourceCatalog.Pods ? "PodProxyOptions" : "ServiceProxyOptions",
                        "log" => "Pod",
                        _ => type.Kind,
                    },
                    ["verbs"] = new JsonArray(verbs.Select(v => (JsonNode)v).ToArray()),
                });
            }
        }
        foreach (var resource in resources.OfType<JsonObject>())
        {
            foreach (var empty in resource.Where(p => p.Value is null).Select(p => p.Key).ToList())
                resource.Remove(empty);
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    private static JsonObject GroupVersion(string group, string version) => new()
    {
        ["groupVersion"] = $"{group}/{version}",
        ["version"] = version,
    };
}
