namespace Mlops.Clients.Kubernetes;

/// <summary>Tells the API server's own calls from watches (long-lived) and service-proxy calls (the backend answers).</summary>
internal static class KubernetesRequestKind
{
    public static bool IsWatch(HttpRequestMessage request)
    {
        var uri = request.RequestUri;
        if (uri is null)
            return false;
        if (uri.AbsolutePath.Contains("/watch/", StringComparison.Ordinal))
            return true;
        var query = uri.Query;
        return query.Contains("watch=true", StringComparison.OrdinalIgnoreCase) || query.Contains("watch=1", StringComparison.Ordinal);
    }

    // A Service without ready pods answers 503 through the proxy: that is the model server's health, not the API server's.
    public static bool IsServiceProxy(HttpRequestMessage request) =>
        request.RequestUri?.AbsolutePath.Contains("/proxy/", StringComparison.Ordinal) == true;
}
