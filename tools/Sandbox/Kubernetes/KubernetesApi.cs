using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mlops.Sandbox.Kubernetes.Access;
using Mlops.Sandbox.Kubernetes.Pods;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>
/// The HTTP surface of the API server: authentication and RBAC on every request, discovery, OpenAPI, the verbs on every
/// served resource (with paging, dry runs and delete options), and the subresources status, log, proxy and token.
/// </summary>
public sealed class KubernetesApi(
    KubernetesRegistry registry,
    KubernetesOptions options,
    OpenApiDocuments openApi,
    Authenticator authenticator,
    RbacAuthorizer authorizer,
    AccessReviews reviews,
    TokenRequests tokenRequests,
    PodLogs podLogs,
    ServiceProxy proxy,
    EscalationCheck escalation)
{
    public async Task HandleAsync(HttpContext http)
    {
        try
        {
            var identity = authenticator.Identify(http);
            if (identity.Refusal is { } refusal)
                throw refusal;
            var user = identity.Effective!;
            var request = RequestAttributes.From(http.Request.Method, http.Request.Path.Value ?? "/", http.Request.Query);
            if (!authorizer.Authorize(user, request).Allowed)
                throw RbacAuthorizer.Forbidden(user, request);
            if (await TryServeDocumentAsync(http))
                return;
            var path = ApiPath.Parse(http.Request.Path.Value ?? "/") ?? throw KubernetesApiException.PathNotFound();
            if (!path.Type.Serves(path.Subresource))
                throw KubernetesApiException.PathNotFound();
            if (path.Type.Namespaced && path.Namespace is null && http.Request.Method != "GET")
                throw KubernetesApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
            await ServeResourceAsync(http, path, user);
        }
        catch (KubernetesApiException refused)
        {
            if (!http.Response.HasStarted)
                await WriteAsync(http, refused.Code, refused.ToStatus());
        }
        catch (JsonException malformed)
        {
            var failure = KubernetesApiException.BadRequest($"the body of the request could not be decoded: {malformed.Message}");
            if (!http.Response.HasStarted)
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
        if (path is "/healthz" or "/livez" or "/readyz")
        {
            http.Response.StatusCode = 200;
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync("ok", http.RequestAborted);
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

    private async Task ServeResourceAsync(HttpContext http, ApiPath path, UserInfo user)
    {
        var query = http.Request.Query;
        var watch = query["watch"].ToString() is "true" or "1";
        var verb = path.Verb(http.Request.Method, watch);
        switch (path.Subresource)
        {
            case "log" when verb == "get":
                await podLogs.ServeAsync(http, path.Namespace!, path.Name!);
                return;
            case "proxy" when path.Type == ResourceCatalog.Services:
                await proxy.ServeServiceAsync(http, path.Namespace!, path.Name!, path.ProxyPath ?? "/");
                return;
            case "proxy":
                await proxy.ServePodAsync(http, path.Namespace!, path.Name!, path.ProxyPath ?? "/");
                return;
            case "token" when verb == "create":
                await WriteAsync(http, 201, tokenRequests.Answer(path.Namespace!, path.Name!, await ReadObjectAsync(http)));
                return;
            case "scale":
                await ScaleAsync(http, path, verb);
                return;
            case "log" or "token":
                throw KubernetesApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
        }
        if (!path.Type.Stored)
        {
            if (verb != "create")
                throw KubernetesApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
            await WriteAsync(http, 201, reviews.Answer(path.Type, await ReadObjectAsync(http), user));
            return;
        }

        var statusOnly = path.Subresource == "status";
        var dryRun = DeleteOptions.ParseDryRun(query);
        switch (verb)
        {
            case "get":
            {
                var found = registry.Get(path.Type, path.Namespace, path.Name!);
                await WriteObjectOrTableAsync(http, path.Type, [found], found.ResourceVersion(), null, null, single: found);
                break;
            }
            case "list":
                await ListAsync(http, path);
                break;
            case "watch":
                await new WatchStream(registry, path, query, options).ServeAsync(http);
                break;
            case "create":
            {
                var body = await ReadObjectAsync(http);
                if (EscalationCheck.Guards(path.Type))
                    escalation.Check(user, path.Type, path.Namespace, registry.Create(path.Type, path.Namespace, body, dryRun: true));
                await WriteAsync(http, 201, registry.Create(path.Type, path.Namespace, body, dryRun));
                break;
            }
            case "update":
            {
                var body = await ReadObjectAsync(http);
                if (EscalationCheck.Guards(path.Type))
                    escalation.Check(user, path.Type, path.Namespace, registry.Replace(path.Type, path.Namespace, path.Name!, body, statusOnly, dryRun: true));
                await WriteAsync(http, 200, registry.Replace(path.Type, path.Namespace, path.Name!, body, statusOnly, dryRun));
                break;
            }
            case "patch":
            {
                var patch = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted)
                            ?? throw KubernetesApiException.BadRequest("empty patch");
                var creates = http.Request.ContentType?.StartsWith("application/apply-patch", StringComparison.Ordinal) == true
                              && registry.Find(path.Type, path.Namespace, path.Name!) is null;
                if (EscalationCheck.Guards(path.Type))
                    escalation.Check(user, path.Type, path.Namespace, registry.Patch(path.Type, path.Namespace, path.Name!, http.Request.ContentType ?? "", patch, statusOnly, dryRun: true));
                var patched = registry.Patch(path.Type, path.Namespace, path.Name!, http.Request.ContentType ?? "", patch, statusOnly, dryRun);
                await WriteAsync(http, creates ? 201 : 200, patched);
                break;
            }
            case "delete":
            {
                var deleteOptions = DeleteOptions.From(await ReadOptionalObjectAsync(http), query);
                var outcome = registry.Delete(path.Type, path.Namespace, path.Name!, deleteOptions);
                // What stays (finalizers, grace, a namespace) is answered as the object; what went, as a Status (pods: the pod).
                var answer = !outcome.Removed || path.Type == ResourceCatalog.Pods
                    ? outcome.Object
                    : KubernetesStatus.Success(path.Type, outcome.Object.Name(), outcome.Object.Uid());
                await WriteAsync(http, 200, answer);
                break;
            }
            case "deletecollection":
            {
                var deleteOptions = DeleteOptions.From(await ReadOptionalObjectAsync(http), query);
                var (items, version) = registry.List(path.Type, path.Namespace, LabelSelector.Parse(query["labelSelector"]), FieldSelector.Parse(query["fieldSelector"]));
                var deleted = new List<JsonObject>();
                foreach (var item in items)
                {
                    try
                    {
                        deleted.Add(registry.Delete(path.Type, item.Namespace(), item.Name(), deleteOptions).Object);
                    }
                    catch (KubernetesApiException gone) when (gone.Code == 404)
                    {
                        // Deleted meanwhile, e.g. by the garbage collector.
                    }
                }
                await WriteAsync(http, 200, ListOf(path.Type, deleted, version, null, null));
                break;
            }
            default:
                throw KubernetesApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    // The scale subresource: an autoscaling/v1 Scale view of spec.replicas, for kubectl scale and autoscalers.
    private async Task ScaleAsync(HttpContext http, ApiPath path, string verb)
    {
        var dryRun = DeleteOptions.ParseDryRun(http.Request.Query);
        var current = registry.Get(path.Type, path.Namespace, path.Name!);
        JsonObject scaled;
        switch (verb)
        {
            case "get":
                scaled = current;
                break;
            case "update" or "patch":
            {
                var body = verb == "update"
                    ? await ReadObjectAsync(http)
                    : PatchScale(Scale(current), http.Request.ContentType ?? "", await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) ?? throw KubernetesApiException.BadRequest("empty patch"));
                if (body["metadata"]?["resourceVersion"]?.ToString() is { Length: > 0 } version && version != current.Metadata().String("resourceVersion"))
                    throw KubernetesApiException.Conflict(path.Type, path.Name!);
                var replicas = body["spec"].Number("replicas") ?? 0;
                if (replicas < 0)
                    throw KubernetesApiException.Invalid(new ResourceType("autoscaling", "v1", "scales", "Scale", true, [], false, false, false), path.Name!, [new StatusCause("FieldValueInvalid", "spec.replicas", $"Invalid value: {replicas}: must be greater than or equal to 0")]);
                scaled = dryRun ? current : registry.Mutate(path.Type, path.Namespace, path.Name!, statusOnly: false, o => o.Child("spec")["replicas"] = replicas);
                break;
            }
            default:
                throw KubernetesApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
        }
        await WriteAsync(http, 200, Scale(scaled));
    }

    private static JsonObject PatchScale(JsonObject scale, string contentType, JsonNode patch) =>
        contentType.Split(';')[0].Trim() switch
        {
            "application/json-patch+json" => (JsonObject)Patching.JsonPatch.Apply(scale, patch as JsonArray ?? throw KubernetesApiException.BadRequest("json patch must be a list")),
            "application/merge-patch+json" or "application/strategic-merge-patch+json" or "application/apply-patch+yaml" => (JsonObject)Patching.JsonMergePatch.Apply(scale, patch)!,
            var other => throw KubernetesApiException.UnsupportedMediaType(other),
        };

    private static JsonObject Scale(JsonObject owner)
    {
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = owner.Name(),
                ["namespace"] = owner.Namespace(),
                ["uid"] = owner.Uid(),
                ["resourceVersion"] = owner.Metadata().String("resourceVersion"),
                ["creationTimestamp"] = owner.Metadata().String("creationTimestamp"),
            },
            ["spec"] = new JsonObject { ["replicas"] = owner["spec"].Number("replicas") ?? 0 },
            ["status"] = new JsonObject
            {
                ["replicas"] = owner["status"].Number("replicas") ?? 0,
                ["selector"] = LabelSelector.Format(owner["spec"]?["selector"] as JsonObject),
            },
        };
    }

    // A list page: limit and continue as the API server pages, consistent at the first page's resourceVersion.
    private async Task ListAsync(HttpContext http, ApiPath path)
    {
        var query = http.Request.Query;
        var labels = LabelSelector.Parse(query["labelSelector"]);
        var fields = FieldSelector.Parse(query["fieldSelector"]);
        var limit = long.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var asked) && asked > 0 ? asked : (long?)null;
        var requested = query["resourceVersion"].ToString();
        var current = registry.Store.CurrentVersion;
        IReadOnlyList<JsonObject> items;
        long version;
        var startAfter = "";
        if (query["continue"].ToString() is { Length: > 0 } continued)
        {
            if (requested.Length > 0 && requested != "0")
                throw KubernetesApiException.BadRequest("specifying resource version is not allowed when using continue");
            var token = ContinueToken.Decode(continued);
            startAfter = token.StartAfter;
            if (token.ResourceVersion < 0)
                (items, version) = registry.List(path.Type, path.Namespace, labels, fields);
            else
            {
                if (token.ResourceVersion < registry.Store.OldestVersion)
                    throw KubernetesApiException.ContinueExpired(new ContinueToken(-1, startAfter).Encode());
                items = registry.Store.ListAt(path.Type, path.Namespace, token.ResourceVersion).Where(o => labels.Matches(o) && fields.Matches(o)).ToList();
                version = token.ResourceVersion;
            }
        }
        else if (requested is { Length: > 0 } and not "0")
        {
            if (!long.TryParse(requested, NumberStyles.None, CultureInfo.InvariantCulture, out var at))
                throw KubernetesApiException.BadRequest($"invalid resource version \"{requested}\"");
            if (at > current)
                throw KubernetesApiException.TooLargeResourceVersion(at, current);
            if (query["resourceVersionMatch"] == "Exact")
            {
                if (at < registry.Store.OldestVersion)
                    throw KubernetesApiException.Expired(at, registry.Store.OldestVersion + 1);
                items = registry.Store.ListAt(path.Type, path.Namespace, at).Where(o => labels.Matches(o) && fields.Matches(o)).ToList();
                version = at;
            }
            else
                (items, version) = registry.List(path.Type, path.Namespace, labels, fields);
        }
        else
            (items, version) = registry.List(path.Type, path.Namespace, labels, fields);

        var remaining = items.Where(o => string.CompareOrdinal(ContinueToken.KeyOf(o), startAfter) > 0).ToList();
        string? next = null;
        long? remainingCount = null;
        if (limit is { } pageSize && remaining.Count > pageSize)
        {
            var page = remaining.Take((int)pageSize).ToList();
            var consistentAt = query["continue"].ToString() is { Length: > 0 } c && ContinueToken.Decode(c).ResourceVersion < 0 ? -1 : version;
            next = new ContinueToken(consistentAt, ContinueToken.KeyOf(page[^1])).Encode();
            // Known only without selectors, as etcd counts keys, not matches.
            if (query["labelSelector"].ToString().Length == 0 && query["fieldSelector"].ToString().Length == 0)
                remainingCount = remaining.Count - page.Count;
            remaining = page;
        }
        await WriteObjectOrTableAsync(http, path.Type, remaining, version, next, remainingCount, single: null);
    }

    private static async Task WriteObjectOrTableAsync(HttpContext http, ResourceType type, IReadOnlyList<JsonObject> items, long version, string? next, long? remainingCount, JsonObject? single)
    {
        if (TablePrinter.Wanted(http.Request.Headers.Accept))
        {
            var table = TablePrinter.Print(type, items, version, http.Request.Query["includeObject"] == "Object");
            if (next is not null)
                table["metadata"]!["continue"] = next;
            await WriteAsync(http, 200, table);
        }
        else
            await WriteAsync(http, 200, single ?? ListOf(type, items, version, next, remainingCount));
    }

    private static JsonObject ListOf(ResourceType type, IReadOnlyList<JsonObject> items, long version, string? next, long? remainingCount)
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
        var metadata = new JsonObject { ["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture) };
        if (next is not null)
            metadata["continue"] = next;
        if (remainingCount is { } count)
            metadata["remainingItemCount"] = count;
        return new JsonObject
        {
            ["apiVersion"] = type.ApiVersion,
            ["kind"] = type.Kind + "List",
            ["metadata"] = metadata,
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

    // A DELETE may carry DeleteOptions, or nothing.
    private static async Task<JsonObject?> ReadOptionalObjectAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        if (buffer.Length == 0)
            return null;
        var bytes = buffer.ToArray();
        if (http.Request.ContentType?.StartsWith(ProtobufBodies.MediaType, StringComparison.Ordinal) == true)
            return ProtobufBodies.Decode(bytes);
        return JsonNode.Parse(bytes) as JsonObject ?? throw KubernetesApiException.BadRequest("the body of the request must be an object");
    }

    public static async Task WriteAsync(HttpContext http, int statusCode, JsonNode body)
    {
        http.Response.StatusCode = statusCode;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body.ToJsonString(), http.RequestAborted);
    }
}
