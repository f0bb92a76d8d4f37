using System.Globalization;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>
/// The API server's proxy subresources: <c>services/{[scheme:]name[:port]}/proxy/{path}</c> reaches a ready endpoint
/// of the Service (port by number or name, as the API server resolves it), <c>pods/{name[:port]}/proxy/{path}</c> a
/// running pod; method, path, query, content type and body go to the container's process, and its answer comes back.
/// </summary>
public sealed class ServiceProxy(KubernetesRegistry registry, ClusterServices services, PodWorkers workers)
{
    public async Task ServeServiceAsync(HttpContext http, string ns, string id, string path)
    {
        var (scheme, name, port) = Split(id) ?? throw KubernetesApiException.BadRequest($"invalid service request \"{id}\"");
        var service = registry.Get(ResourceCatalog.Services, ns, name);
        var ports = (service["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        // A port number is the Service port's; the endpoint port is then found by that port's name.
        if (int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            var byNumber = ports.FirstOrDefault(p => p.Number("port") == number)
                           ?? throw KubernetesApiException.ServiceUnavailable($"no service port {number} found for service \"{name}\"");
            port = byNumber.String("name") ?? "";
        }
        var servicePort = ports.FirstOrDefault(p => (p.String("name") ?? "") == port);
        var endpoints = servicePort is null ? [] : services.Endpoints(service, servicePort);
        if (endpoints.Count == 0)
            throw KubernetesApiException.ServiceUnavailable($"no endpoints available for service \"{name}\"");
        var (pod, process, containerPort) = endpoints[Random.Shared.Next(endpoints.Count)];
        await ForwardAsync(http, scheme, pod, process, containerPort, path, "service");
    }

    public async Task ServePodAsync(HttpContext http, string ns, string id, string path)
    {
        var (scheme, name, port) = Split(id) ?? throw KubernetesApiException.BadRequest($"invalid pod request \"{id}\"");
        var pod = registry.Get(ResourceCatalog.Pods, ns, name);
        var containers = workers.ContainersOf(pod.Uid());
        int containerPort;
        if (port.Length == 0)
            containerPort = containers.SelectMany(c => c.DeclaredPorts).FirstOrDefault(80);
        else if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out containerPort))
            containerPort = containers.Select(c => c.NamedPorts.GetValueOrDefault(port)).FirstOrDefault(p => p > 0);
        var process = containers.FirstOrDefault(c => c.Process is not null && c.DeclaredPorts.Contains(containerPort))?.Process
                      ?? containers.FirstOrDefault(c => c.Process is not null)?.Process;
        if (process is null || pod["status"].String("phase") != "Running")
            throw KubernetesApiException.ServiceUnavailable($"error trying to reach pod: dial tcp {pod["status"].String("podIP") ?? ""}:{containerPort}: connect: connection refused");
        await ForwardAsync(http, scheme, pod, process, containerPort, path, "pod");
    }

    private static async Task ForwardAsync(HttpContext http, string scheme, JsonObject pod, IContainerProcess process, int port, string path, string target)
    {
        var address = $"{pod["status"].String("podIP")}:{port}";
        if (scheme == "https")
            throw KubernetesApiException.ServiceUnavailable($"error trying to reach {target}: tls: first record does not look like a TLS handshake");
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, http.RequestAborted);
        var request = new ContainerRequest(port, http.Request.Method, path + http.Request.QueryString.Value, http.Request.ContentType, body.ToArray());
        var answer = await process.HandleAsync(request, http.RequestAborted)
                     ?? throw KubernetesApiException.ServiceUnavailable($"error trying to reach {target}: dial tcp {address}: connect: connection refused");
        http.Response.StatusCode = answer.StatusCode;
        if (answer.ContentType.Length > 0)
            http.Response.ContentType = answer.ContentType;
        await http.Response.Body.WriteAsync(answer.Body, http.RequestAborted);
    }

    // utilnet.SplitSchemeNamePort: "name", "name:port", "scheme:name:port" (scheme http or https).
    private static (string Scheme, string Name, string Port)? Split(string id)
    {
        var parts = id.Split(':');
        var (scheme, name, port) = parts.Length switch
        {
            1 => ("", parts[0], ""),
            2 => ("", parts[0], parts[1]),
            3 => (parts[0], parts[1], parts[2]),
            _ => ("", "", ""),
        };
        if (name.Length == 0 || scheme is not ("" or "http" or "https"))
            return null;
        return (scheme.Length == 0 ? "http" : scheme, name, port);
    }
}
