using Microsoft.AspNetCore.Http.Features;

namespace Mlops.Sandbox.Minio;

/// <summary>Bucket and object key of a path-style S3 request, decoded from the raw target so <c>%2F</c> stays in the key.</summary>
public static class S3RequestPath
{
    public static (string Bucket, string Key) Parse(HttpContext http)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.Value ?? "/";
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = (query >= 0 ? raw[..query] : raw).TrimStart('/');
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        return slash < 0
            ? (Uri.UnescapeDataString(path), "")
            : (Uri.UnescapeDataString(path[..slash]), Uri.UnescapeDataString(path[(slash + 1)..]));
    }
}
