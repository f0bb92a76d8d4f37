using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>The HTTP surface of the API server: discovery, OpenAPI, and the verbs on every served resource.</summary>
public sealed class KubernetesApi(KubernetesRegistry registry, OpenApiDocuments openApi)
{
    public async Task HandleAsync(HttpContext http)
    {
        try
        {
            if (await TryServeDocumentAsync(http))
                return;
            var path = ApiPath.Parse(http.Request.Path.Value ?? "/") ?? throw KubernetesApiException.PathNotFound();
            if (path.Subresource is { } sub && (sub != "status" || !path.Type.HasStatusSubresource))
                throw KubernetesApiException.PathNotFound();
            if (path.Type.Namespaced && path.Namespace is null && http.Request.Method != "GET")
                throw KubernetesApiException.MethodNotAllowed($"the server does not allow this method on the requested resource");
            await ServeResourceAsync(http, path);
        }
        catch (KubernetesApiException refused)
        {
            await WriteAsync(http, refused.Code, refused.ToStatus());
        }
        catch (JsonException malformed)
        {
            var failure = KubernetesApiException.BadRequest($"the body of the request could not be decoded: {malformed.Message}");
            await WriteAsync(http, failure.Code, failure.ToStatus());
        }
    }

    private async Task<bool> TryServeDocumentAsync(HttpContext http)
    {
        var path = (http.Request.Path.Value ?? "/").TrimEnd('/');
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        JsonObject? document = path switch
        {
            "/version" => ApiDiscovery.Version(),
            "/api" => ApiDiscovery.CoreVersions($"{http.Request.Host.Host}:{http.Request.Host.Port}"),
            "/apis" => ApiDiscovery.Groups(),
            "/api/v1" => ApiDiscovery.Resources("", "v1"),
            _ when segments.Length == 2 && segments[0] == "apis" => ApiDiscovery.Group(segments[1]),
            _ when segments.Length == 3 && segments[0] == "apis" => ApiDiscovery.Resources(segments[1], segments[2]),
            _ => null,
        };
        if (document is not null)
        {
            await WriteAsync(http, 200, document);
            return true;
        }
        if (segments is ["openapi", "v2"])
        {
            await openApi.WriteV2Async(http);
            return true;
        }
        if (segments.Length >= 2 && segments[0] == "openapi" && segments[1] == "v3")
        {
            await openApi.WriteV3Async(http, string.Join('/', segments.Skip(2)));
            return true;
        }
        if (segments.Length is >= 1 and <= 3 && segments[0] is "api" or "apis" && ApiPath.Parse(path) is null)
            throw KubernetesApiException.PathNotFound();
        return false;
    }

    private async Task ServeResourceAsync(HttpContext http, ApiPath path)
    {
        var query = http.Request.Query;
        var watch = query["watch"].ToString() is "true" or "1";
        var statusOnly = path.Subresource == "status";
        switch (path.Verb(http.Request.Method, watch))
        {
            case "get":
            {
                var found = registry.Get(path.Type, path.Namespace, path.Name!);
                await WriteObjectOrTableAsync(http, path.Type, [found], found.ResourceVersion(), single: found);
                break;
            }
            case "list":
            {
                var (items, version) = registry.List(path.Type, path.Namespace, LabelSelector.Parse(query["labelSelector"]), FieldSelector.Parse(query["fieldSelector"]));
                await WriteObjectOrTableAsync(http, path.Type, items, version, single: null);
                break;
            }
            case "watch":
                await new WatchStream(registry, path, query).ServeAsync(http);
                break;
            case "create":
            {
                var body = await ReadObjectAsync(http);
                await WriteAsync(http, 201, registry.Create(path.Type, path.Namespace, body));
                break;
            }
            case "update":
            {
                var body = await ReadObjectAsync(http);
                await WriteAsync(http, 200, registry.Replace(path.Type, path.Namespace, path.Name!, body, statusOnly));
                break;
            }
            case "patch":
            {
                var patch = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted)
                            ?? throw KubernetesApiException.BadRequest("empty patch");
                var creates = http.Request.ContentType?.StartsWith("application/apply-patch", StringComparison.Ordinal) == true
                              && registry.Find(path.Type, path.Namespace, path.Name!) is null;
                var patched = registry.Patch(path.Type, path.Namespace, path.Name!, http.Request.ContentType ?? "", patch, statusOnly);
                await WriteAsync(http, creates ? 201 : 200, patched);
                break;
            }
            case "delete":
            {
                var deleted = registry.Delete(path.Type, path.Namespace, path.Name!);
                await WriteAsync(http, 200, path.Type == ResourceCatalog.Namespaces
                    ? deleted
                    : KubernetesStatus.Success(path.Type, deleted.Name(), deleted.Uid()));
                break;
            }
            case "deletecollection":
            {
                var (items, version) = registry.List(path.Type, path.Namespace, LabelSelector.Parse(query["labelSelector"]), FieldSelector.Parse(query["fieldSelector"]));
                foreach (var item in items)
                    registry.Delete(path.Type, item.Namespace(), item.Name());
                await WriteAsync(http, 200, ListOf(path.Type, items, version));
                break;
            }
            default:
                throw KubernetesApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    private static async Task WriteObjectOrTableAsync(HttpContext http, ResourceType type, IReadOnlyList<JsonObject> items, long version, JsonObject? single)
    {
        if (TablePrinter.Wanted(http.Request.Headers.Accept))
            await WriteAsync(http, 200, TablePrinter.Print(type, items, version, http.Request.Query["includeObject"] == "Object"));
        else
            await WriteAsync(http, 200, single ?? ListOf(type, items, version));
    }

    private static JsonObject ListOf(ResourceType type, IReadOnlyList<JsonObject> items, long version)
    {
        var listed = new JsonArray();
        foreach (var item in items)
        {
            // Built-in list items come without apiVersion and kind; custom resources keep them.
            if (!type.IsCustom)
            {
                item.Remove("apiVersion");
                item.Remove("kind");
            }
            listed.Add(item);
        }
        return new JsonObject
        {
            ["apiVersion"] = type.ApiVersion,
            ["kind"] = type.Kind + "List",
            ["metadata"] = new JsonObject { ["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture) },
            ["items"] = listed,
        };
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext http)
    {
        if (http.Request.ContentType?.StartsWith(ProtobufBodies.MediaType, StringComparison.Ordinal) == true)
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
            return ProtobufBodies.Decode(buffer.ToArray());
        }
        return await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject
               ?? throw KubernetesApiException.BadRequest("the body of the request must be an object");
    }

    public static async Task WriteAsync(HttpContext http, int statusCode, JsonNode body)
    {
        http.Response.StatusCode = statusCode;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body.ToJsonString(), http.RequestAborted);
    }
}
