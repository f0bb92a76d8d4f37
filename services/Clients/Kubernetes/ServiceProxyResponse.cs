using System.Net;

namespace Mlops.Clients.Kubernetes;

/// <summary>
/// What a Service answered through the API server's service proxy. A 503 with a Kubernetes <c>Status</c> body means no
/// ready endpoint backs the Service; a 403 Status means we lack <c>services/proxy</c>.
/// </summary>
public sealed record ServiceProxyResponse(HttpStatusCode StatusCode, string? ContentType, string Body)
{
    public bool IsSuccess => (int)StatusCode is >= 200 and < 300;
}
