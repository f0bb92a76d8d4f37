using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Mlops.Clients.Kubernetes;

/// <summary>Reads the API server's <c>Status</c> answer out of KubernetesClient's <see cref="HttpOperationException"/>.</summary>
public static class KubernetesStatusExtensions
{
    /// <summary>The <c>Status</c> object the server answered with; null when the body is not one.</summary>
    public static V1Status? Status(this HttpOperationException exception)
    {
        if (exception.Body is V1Status body)
            return body;
        var content = exception.Response?.Content;
        if (string.IsNullOrWhiteSpace(content))
            return null;
        try
        {
            var status = KubernetesJson.Deserialize<V1Status>(content);
            return status?.Kind == "Status" ? status : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static HttpStatusCode? StatusCode(this HttpOperationException exception) => exception.Response?.StatusCode;

    /// <summary>The Status reason, e.g. <c>AlreadyExists</c>, <c>Conflict</c>, <c>Forbidden</c>, <c>Invalid</c>.</summary>
    public static string? Reason(this HttpOperationException exception) => exception.Status()?.Reason;

    public static bool IsNotFound(this HttpOperationException exception) => exception.StatusCode() == HttpStatusCode.NotFound;
}
