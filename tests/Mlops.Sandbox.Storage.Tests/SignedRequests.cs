using System.Globalization;
using Mlops.Sandbox.Minio;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>
/// Hand-built SigV4 requests for what no installed client sends: unusual query values, tampered payloads and
/// <c>STREAMING-AWS4-HMAC-SHA256-PAYLOAD</c> bodies (the Minio Go and Java SDKs send those; none here does).
/// </summary>
public static class SignedRequests
{
    private static readonly string[] s_alwaysSigned = ["host", "x-amz-content-sha256", "x-amz-date"];

    /// <summary>A request to <paramref name="url"/> signed with a payload hash of <paramref name="body"/> (or <paramref name="declaredHash"/>).</summary>
    public static HttpRequestMessage Signed(HttpMethod method, Uri url, string accessKey, string secretKey, byte[]? body = null, string? declaredHash = null)
    {
        var payload = body ?? [];
        var hash = declaredHash ?? SigV4.Sha256Hex(payload);
        var request = new HttpRequestMessage(method, url);
        var (amzDate, scope, _, signature) = Sign(method, url, accessKey, secretKey, hash, []);
        AddAuthorization(request, accessKey, amzDate, scope, hash, signature, []);
        if (body is not null)
            request.Content = new ByteArrayContent(body);
        return request;
    }

    /// <summary>A PUT of <paramref name="data"/> as an aws-chunked body with a seed signature and chained chunk signatures.</summary>
    public static HttpRequestMessage Streaming(Uri url, string accessKey, string secretKey, byte[] data, int chunkSize, Func<byte[], byte[]>? tamper = null)
    {
        var extra = new List<KeyValuePair<string, string>>
        {
            new("content-encoding", "aws-chunked"),
            new("x-amz-decoded-content-length", data.Length.ToString(CultureInfo.InvariantCulture)),
        };
        var (amzDate, scope, key, seed) = Sign(HttpMethod.Put, url, accessKey, secretKey, SigV4.StreamingPayload, extra);
        var body = AwsChunkedBody.Encode(data, chunkSize, key, amzDate, scope, seed);
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(tamper?.Invoke(body) ?? body) };
        request.Content.Headers.ContentEncoding.Add("aws-chunked");
        request.Headers.TryAddWithoutValidation("x-amz-decoded-content-length", data.Length.ToString(CultureInfo.InvariantCulture));
        AddAuthorization(request, accessKey, amzDate, scope, SigV4.StreamingPayload, seed, extra.Select(e => e.Key).ToList());
        return request;
    }

    private static (string AmzDate, string Scope, byte[] Key, string Signature) Sign(HttpMethod method, Uri url, string accessKey, string secretKey, string payloadHash,
        IReadOnlyList<KeyValuePair<string, string>> extraHeaders)
    {
        var amzDate = DateTime.UtcNow.ToString(SigV4.DateFormat, CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var scope = SigV4.Scope(date, "us-east-1");
        var headers = new List<KeyValuePair<string, string>>
        {
            new("host", $"{url.Host}:{url.Port}"),
            new("x-amz-content-sha256", payloadHash),
            new("x-amz-date", amzDate),
        };
        headers.AddRange(extraHeaders);
        var query = S3RawRequest.ParseQuery(url.Query.TrimStart('?'));
        var canonical = SigV4.CanonicalRequest(method.Method, Uri.UnescapeDataString(url.AbsolutePath), SigV4.CanonicalQuery(query), headers, payloadHash);
        var key = SigV4.SigningKey(secretKey, date, "us-east-1");
        return (amzDate, scope, key, SigV4.Sign(key, SigV4.StringToSign(amzDate, scope, canonical)));
    }

    private static void AddAuthorization(HttpRequestMessage request, string accessKey, string amzDate, string scope, string payloadHash, string signature, IReadOnlyList<string> extraSigned)
    {
        var signed = string.Join(';', s_alwaysSigned.Concat(extraSigned).Order(StringComparer.Ordinal));
        request.Headers.TryAddWithoutValidation("Authorization", $"{SigV4.Algorithm} Credential={accessKey}/{scope}, SignedHeaders={signed}, Signature={signature}");
        request.Headers.TryAddWithoutValidation("x-amz-content-sha256", payloadHash);
        request.Headers.TryAddWithoutValidation("x-amz-date", amzDate);
    }
}
