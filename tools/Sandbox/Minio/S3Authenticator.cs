using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Mlops.Sandbox.Minio;

/// <summary>
/// Verifies S3 request signatures as MinIO does: SigV4 in the Authorization header (payload hash, <c>UNSIGNED-PAYLOAD</c>
/// or a <c>STREAMING-AWS4-HMAC-SHA256-PAYLOAD</c> body whose seed and chunk signatures are checked and which is decoded
/// for the backend), SigV4 presigned URLs, and SigV2 (header and presigned), against the users the server knows.
/// Requests without any signature are anonymous. Errors carry MinIO's codes and messages.
/// </summary>
public sealed class S3Authenticator(TimeProvider time, string region)
{
    /// <summary>How far a request's date may be from the server's clock (MinIO's globalMaxSkewTime).</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(15);

    private const int MaxPresignExpiry = 604800;

    // The query parameters that carry a signature, never forwarded to the backend.
    private static readonly HashSet<string> s_signatureParameters = new(StringComparer.Ordinal)
    {
        "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature",
        "X-Amz-Security-Token", "AWSAccessKeyId", "Signature", "Expires",
    };

    // SigV2 signs these subresources of the query (MinIO's resourceList, sorted).
    private static readonly string[] s_v2Resources =
    [
        "acl", "cors", "delete", "encryption", "legal-hold", "lifecycle", "location", "logging", "notification", "partNumber",
        "policy", "requestPayment", "response-cache-control", "response-content-disposition", "response-content-encoding",
        "response-content-language", "response-content-type", "response-expires", "retention", "select", "select-type",
        "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning", "versions", "website",
    ];

    public static bool IsSignatureParameter(string name) => s_signatureParameters.Contains(name);

    /// <summary>
    /// The caller of <paramref name="http"/>; throws <see cref="S3Exception"/> when the signature is refused. A verified
    /// streaming body is replaced by its decoded content, so what follows sees an ordinary upload.
    /// </summary>
    public async Task<S3Caller> AuthenticateAsync(HttpContext http, Func<string, S3User?> users, CancellationToken cancellationToken)
    {
        var authorization = http.Request.Headers.Authorization.ToString();
        var query = S3RawRequest.QueryParameters(http);
        if (authorization.StartsWith(SigV4.Algorithm, StringComparison.Ordinal))
            return await HeaderV4Async(http, authorization, query, users, cancellationToken);
        if (authorization.StartsWith("AWS ", StringComparison.Ordinal))
            return HeaderV2(http, authorization, query, users);
        if (authorization.Length > 0)
            throw SignatureVersionNotSupported();
        if (S3RawRequest.Parameter(query, "X-Amz-Algorithm") is { } algorithm)
            return await PresignedV4Async(http, algorithm, query, users, cancellationToken);
        if (S3RawRequest.Parameter(query, "Signature") is not null && S3RawRequest.Parameter(query, "AWSAccessKeyId") is not null)
            return PresignedV2(http, query, users);
        return S3Caller.Anonymous;
    }

    private async Task<S3Caller> HeaderV4Async(HttpContext http, string authorization, IReadOnlyList<KeyValuePair<string, string>> query, Func<string, S3User?> users, CancellationToken cancellationToken)
    {
        var fields = authorization[SigV4.Algorithm.Length..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split('=', 2))
            .Where(f => f.Length == 2)
            .ToDictionary(f => f[0].Trim(), f => f[1].Trim(), StringComparer.Ordinal);
        if (!fields.TryGetValue("Credential", out var credentialText) || !fields.TryGetValue("SignedHeaders", out var signedHeaderText)
            || !fields.TryGetValue("Signature", out var signature))
            throw MissingFields();
        var credential = Credential.Parse(credentialText, region);
        var signedHeaders = SignedHeaders(http, signedHeaderText.Split(';'));
        var user = users(credential.AccessKey) ?? throw InvalidAccessKeyId();
        var amzDate = http.Request.Headers["x-amz-date"].ToString() is { Length: > 0 } d ? d : http.Request.Headers.Date.ToString();
        if (amzDate.Length == 0)
            throw new S3Exception(400, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
        var date = ParseAmzDate(amzDate);
        RequireFresh(date);

        var declared = http.Request.Headers["x-amz-content-sha256"].ToString();
        var payload = declared.Length > 0 ? declared : SigV4.EmptySha256;
        var canonicalQuery = SigV4.CanonicalQuery(query);
        var canonical = SigV4.CanonicalRequest(http.Request.Method, S3RawRequest.DecodedPath(http), canonicalQuery, signedHeaders, payload);
        var scope = credential.Scope;
        var key = SigV4.SigningKey(user.SecretKey, credential.Date, credential.Region);
        var expected = SigV4.Sign(key, SigV4.StringToSign(amzDate, scope, canonical));
        if (!SigV4.SameSignature(expected, signature))
            throw SignatureDoesNotMatch();

        if (payload == SigV4.StreamingPayload)
            await DecodeStreamingBodyAsync(http, key, amzDate, scope, expected, cancellationToken);
        else if (payload != SigV4.UnsignedPayload && payload != "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
            await RequirePayloadHashAsync(http, payload, cancellationToken);
        return new S3Caller(user, "v4");
    }

    private async Task<S3Caller> PresignedV4Async(HttpContext http, string algorithm, IReadOnlyList<KeyValuePair<string, string>> query, Func<string, S3User?> users, CancellationToken cancellationToken)
    {
        if (algorithm != SigV4.Algorithm)
            throw new S3Exception(400, "AuthorizationQueryParametersError", "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
        var credentialText = S3RawRequest.Parameter(query, "X-Amz-Credential");
        var amzDate = S3RawRequest.Parameter(query, "X-Amz-Date");
        var expiresText = S3RawRequest.Parameter(query, "X-Amz-Expires");
        var signedHeaderText = S3RawRequest.Parameter(query, "X-Amz-SignedHeaders");
        var signature = S3RawRequest.Parameter(query, "X-Amz-Signature");
        if (credentialText is null || amzDate is null || expiresText is null || signedHeaderText is null || signature is null)
            throw new S3Exception(400, "AuthorizationQueryParametersError",
                "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
        var credential = Credential.Parse(credentialText, region);
        var user = users(credential.AccessKey) ?? throw InvalidAccessKeyId();
        var signedHeaders = SignedHeaders(http, signedHeaderText.Split(';'));
        var date = ParseAmzDate(amzDate);
        if (!int.TryParse(expiresText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var expires) || expires < 0)
            throw new S3Exception(400, "AuthorizationQueryParametersError", "X-Amz-Expires should be a number");
        if (expires > MaxPresignExpiry)
            throw new S3Exception(400, "AuthorizationQueryParametersError", "X-Amz-Expires must be less than a week (in seconds) that is 604800");
        var now = time.GetUtcNow();
        if (date - now > MaxSkew)
            throw new S3Exception(403, "AccessDenied", "Request is not valid yet");
        if (now - date > TimeSpan.FromSeconds(expires))
            throw new S3Exception(403, "AccessDenied", "Request has expired");

        var payload = S3RawRequest.Parameter(query, "X-Amz-Content-Sha256")
            ?? (http.Request.Headers["x-amz-content-sha256"].ToString() is { Length: > 0 } header ? header : SigV4.UnsignedPayload);
        var canonicalQuery = SigV4.CanonicalQuery(query.Where(p => p.Key != "X-Amz-Signature"));
        var canonical = SigV4.CanonicalRequest(http.Request.Method, S3RawRequest.DecodedPath(http), canonicalQuery, signedHeaders, payload);
        var key = SigV4.SigningKey(user.SecretKey, credential.Date, credential.Region);
        var expected = SigV4.Sign(key, SigV4.StringToSign(amzDate, credential.Scope, canonical));
        if (!SigV4.SameSignature(expected, signature))
            throw SignatureDoesNotMatch();
        if (payload != SigV4.UnsignedPayload)
            await RequirePayloadHashAsync(http, payload, cancellationToken);
        return new S3Caller(user, "v4-presigned");
    }

    private S3Caller HeaderV2(HttpContext http, string authorization, IReadOnlyList<KeyValuePair<string, string>> query, Func<string, S3User?> users)
    {
        var credentials = authorization[4..];
        var colon = credentials.LastIndexOf(':');
        if (colon <= 0)
            throw MissingFields();
        var user = users(credentials[..colon]) ?? throw InvalidAccessKeyId();
        var dateText = http.Request.Headers["x-amz-date"].ToString() is { Length: > 0 } amz ? amz : http.Request.Headers.Date.ToString();
        if (!DateTimeOffset.TryParse(dateText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            throw new S3Exception(400, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
        RequireFresh(date);
        var expected = SignV2(user.SecretKey, StringToSignV2(http, query, http.Request.Headers.Date.ToString()));
        if (!SigV4.SameSignature(expected, credentials[(colon + 1)..]))
            throw SignatureDoesNotMatch();
        return new S3Caller(user, "v2");
    }

    private S3Caller PresignedV2(HttpContext http, IReadOnlyList<KeyValuePair<string, string>> query, Func<string, S3User?> users)
    {
        var user = users(S3RawRequest.Parameter(query, "AWSAccessKeyId")!) ?? throw InvalidAccessKeyId();
        var expires = S3RawRequest.Parameter(query, "Expires") ?? throw MissingFields();
        if (!long.TryParse(expires, NumberStyles.Integer, CultureInfo.InvariantCulture, out var expiresAt))
            throw new S3Exception(400, "InvalidRequest", "Invalid expires header");
        if (time.GetUtcNow().ToUnixTimeSeconds() > expiresAt)
            throw new S3Exception(403, "AccessDenied", "Request has expired");
        var unsigned = query.Where(p => p.Key is not ("AWSAccessKeyId" or "Signature" or "Expires")).ToList();
        var expected = SignV2(user.SecretKey, StringToSignV2(http, unsigned, expires));
        if (!SigV4.SameSignature(expected, S3RawRequest.Parameter(query, "Signature")!))
            throw SignatureDoesNotMatch();
        return new S3Caller(user, "v2-presigned");
    }

    // Method, Content-MD5, Content-Type, Date (or Expires), the x-amz-* headers and the resource with its subresources.
    private static string StringToSignV2(HttpContext http, IReadOnlyList<KeyValuePair<string, string>> query, string date)
    {
        var headers = http.Request.Headers;
        var amzHeaders = headers
            .Where(h => h.Key.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase))
            .Select(h => $"{h.Key.ToLowerInvariant()}:{string.Join(',', h.Value.ToArray())}")
            .Order(StringComparer.Ordinal)
            .ToList();
        var resources = s_v2Resources
            .Select(r => query.FirstOrDefault(p => p.Key == r))
            .Where(p => p.Key is not null)
            .Select(p => p.Value.Length == 0 ? p.Key : $"{p.Key}={p.Value}")
            .ToList();
        var resource = S3RawRequest.EncodedPath(http) + (resources.Count > 0 ? "?" + string.Join('&', resources) : "");
        var text = new StringBuilder();
        text.Append(http.Request.Method).Append('\n');
        text.Append(headers["Content-MD5"].ToString()).Append('\n');
        text.Append(headers.ContentType.ToString()).Append('\n');
        text.Append(date).Append('\n');
        foreach (var header in amzHeaders)
            text.Append(header).Append('\n');
        text.Append(resource);
        return text.ToString();
    }

    // SigV2 is defined with HMAC-SHA1; MinIO still accepts it, so the stand-in must compute it.
#pragma warning disable CA5350
    private static string SignV2(string secretKey, string stringToSign) =>
        Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secretKey), Encoding.UTF8.GetBytes(stringToSign)));
#pragma warning restore CA5350

    // The signed headers with their values as the request carries them; host must be among them (MinIO's rule).
    private static List<KeyValuePair<string, string>> SignedHeaders(HttpContext http, IReadOnlyList<string> names)
    {
        if (!names.Contains("host"))
            throw UnsignedHeaders();
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var name in names)
        {
            string value;
            if (name == "host")
                value = http.Request.Host.Value ?? "";
            else if (http.Request.Headers.TryGetValue(name, out var values))
                value = string.Join(',', values.ToArray());
            else if (name == "content-length")
                value = (http.Request.ContentLength ?? 0).ToString(CultureInfo.InvariantCulture);
            else if (name == "expect")
                value = "100-continue";
            else
                throw UnsignedHeaders();
            headers.Add(new(name, value));
        }
        return headers;
    }

    private void RequireFresh(DateTimeOffset date)
    {
        var now = time.GetUtcNow();
        if (now - date > MaxSkew || date - now > MaxSkew)
            throw new S3Exception(403, "RequestTimeTooSkewed", "The difference between the request time and the server's time is too large.");
    }

    private static DateTimeOffset ParseAmzDate(string text) =>
        DateTimeOffset.TryParseExact(text, SigV4.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            ? date
            : throw new S3Exception(400, "MalformedDate", "Invalid date format header, expected to be in ISO8601, RFC1123 or RFC1123Z time format.");

    // A body whose x-amz-content-sha256 is a hash must have that hash (MinIO checks it while reading).
    private static async Task RequirePayloadHashAsync(HttpContext http, string declared, CancellationToken cancellationToken)
    {
        if (declared.Length != 64 || !declared.All(char.IsAsciiHexDigit))
            throw ContentSha256Mismatch();
        http.Request.EnableBuffering();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        int read;
        while ((read = await http.Request.Body.ReadAsync(buffer, cancellationToken)) > 0)
            sha.AppendData(buffer, 0, read);
        http.Request.Body.Position = 0;
        if (!string.Equals(Convert.ToHexStringLower(sha.GetHashAndReset()), declared, StringComparison.OrdinalIgnoreCase))
            throw ContentSha256Mismatch();
    }

    // aws-chunked: "<hex size>;chunk-signature=<sig>\r\n<data>\r\n" … "0;chunk-signature=<sig>\r\n\r\n", each signature
    // chained to the previous one from the seed. The decoded body replaces the request's, as MinIO stores the data only.
    private static async Task DecodeStreamingBodyAsync(HttpContext http, byte[] key, string amzDate, string scope, string seed, CancellationToken cancellationToken)
    {
        using var raw = new MemoryStream();
        await http.Request.Body.CopyToAsync(raw, cancellationToken);
        var decoded = AwsChunkedBody.Decode(raw.GetBuffer().AsSpan(0, (int)raw.Length), key, amzDate, scope, seed);
        var headers = http.Request.Headers;
        if (headers["x-amz-decoded-content-length"].ToString() is { Length: > 0 } declared
            && declared != decoded.Length.ToString(CultureInfo.InvariantCulture))
            throw new S3Exception(400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.");
        var encodings = headers.ContentEncoding.ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(e => e != "aws-chunked").ToList();
        if (encodings.Count == 0)
            headers.Remove("Content-Encoding");
        else
            headers.ContentEncoding = string.Join(',', encodings);
        headers.Remove("x-amz-decoded-content-length");
        headers["x-amz-content-sha256"] = SigV4.UnsignedPayload;
        headers.ContentLength = decoded.Length;
        http.Request.Body = new MemoryStream(decoded, writable: false);
    }

    public static S3Exception SignatureDoesNotMatch() =>
        new(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.");

    public static S3Exception InvalidAccessKeyId() =>
        new(403, "InvalidAccessKeyId", "The Access Key Id you provided does not exist in our records.");

    public static S3Exception AccessDenied() => new(403, "AccessDenied", "Access Denied.");

    private static S3Exception SignatureVersionNotSupported() =>
        new(400, "InvalidRequest", "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");

    private static S3Exception MissingFields() => new(400, "MissingFields", "Missing fields in request.");

    private static S3Exception UnsignedHeaders() =>
        new(400, "AccessDenied", "There were headers present in the request which were not signed");

    private static S3Exception ContentSha256Mismatch() =>
        new(400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");

    /// <summary>The credential scope of a signature: <c>AKID/YYYYMMDD/region/s3/aws4_request</c>.</summary>
    private sealed record Credential(string AccessKey, string Date, string Region)
    {
        public string Scope => SigV4.Scope(Date, Region);

        public static Credential Parse(string text, string serverRegion)
        {
            var parts = text.Split('/');
            if (parts.Length != 5 || parts[0].Length == 0 || parts[4] != "aws4_request")
                throw new S3Exception(400, "AuthorizationQueryParametersError",
                    "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
            if (parts[3] != "s3")
                throw new S3Exception(400, "AuthorizationQueryParametersError",
                    "Error parsing the Credential/X-Amz-Credential parameter; incorrect service. This endpoint belongs to \"s3\".");
            if (serverRegion.Length > 0 && parts[2] != serverRegion)
                throw new S3Exception(400, "AuthorizationHeaderMalformed", $"The authorization header is malformed; the region is wrong; expecting '{serverRegion}'.");
            return new Credential(parts[0], parts[1], parts[2]);
        }
    }
}
