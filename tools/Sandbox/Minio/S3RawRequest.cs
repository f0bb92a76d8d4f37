using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace Mlops.Sandbox.Minio;

/// <summary>The path and query of an S3 request exactly as the client sent them, which signatures are computed over.</summary>
public static class S3RawRequest
{
    public static string RawTarget(HttpContext http) =>
        http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (http.Request.Path.Value ?? "/") + http.Request.QueryString.Value;

    /// <summary>The path before <c>?</c>, still percent-encoded.</summary>
    public static string EncodedPath(HttpContext http)
    {
        var raw = RawTarget(http);
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        return query >= 0 ? raw[..query] : raw;
    }

    /// <summary>The query after <c>?</c>, still percent-encoded; empty without one.</summary>
    public static string EncodedQuery(HttpContext http)
    {
        var raw = RawTarget(http);
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        return query >= 0 ? raw[(query + 1)..] : "";
    }

    /// <summary>Query parameters decoded as Go's <c>url.ParseQuery</c> decodes them (<c>+</c> is a space), in order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> QueryParameters(HttpContext http) => ParseQuery(EncodedQuery(http));

    public static IReadOnlyList<KeyValuePair<string, string>> ParseQuery(string encodedQuery)
    {
        var parameters = new List<KeyValuePair<string, string>>();
        foreach (var part in encodedQuery.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = equals >= 0 ? part[..equals] : part;
            var value = equals >= 0 ? part[(equals + 1)..] : "";
            parameters.Add(new(Unescape(name), Unescape(value)));
        }
        return parameters;
    }

    public static string Unescape(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    /// <summary>The decoded path: the form MinIO re-encodes for the canonical request.</summary>
    public static string DecodedPath(HttpContext http) => Uri.UnescapeDataString(EncodedPath(http));

    /// <summary>One query parameter's first value, or null.</summary>
    public static string? Parameter(IReadOnlyList<KeyValuePair<string, string>> parameters, string name) =>
        parameters.FirstOrDefault(p => p.Key == name) is { Key: not null } found ? found.Value : null;

    internal static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
