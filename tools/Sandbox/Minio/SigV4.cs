using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Mlops.Sandbox.Minio;

/// <summary>
/// AWS Signature Version 4 as S3 and MinIO compute it: canonical request, string to sign, signing key and the
/// chunk signatures of <c>STREAMING-AWS4-HMAC-SHA256-PAYLOAD</c> uploads. Used to verify requests and to sign the
/// requests the sandbox's own programs send.
/// </summary>
public static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string ChunkAlgorithm = "AWS4-HMAC-SHA256-PAYLOAD";
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string StreamingPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    public const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    public const string DateFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>S3's URI encoding: unreserved characters stay, every other byte is <c>%XX</c> (upper case); <c>/</c> stays when asked.</summary>
    public static string UriEncode(string text, bool keepSlash)
    {
        var encoded = new StringBuilder(text.Length * 2);
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' || (keepSlash && c == '/'))
                encoded.Append(c);
            else
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return encoded.ToString();
    }

    /// <summary>The canonical query string: parameters encoded, sorted by name (then value), joined with <c>&amp;</c>.</summary>
    public static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join('&', parameters
            .Select(p => (Name: UriEncode(p.Key, keepSlash: false), Value: UriEncode(p.Value, keepSlash: false)))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={p.Value}"));

    /// <summary>
    /// The canonical request of S3's SigV4: method, encoded path, canonical query, the signed headers (lower-case names,
    /// values trimmed with inner runs of spaces folded), their names, and the payload hash.
    /// </summary>
    public static string CanonicalRequest(string method, string path, string canonicalQuery, IReadOnlyList<KeyValuePair<string, string>> signedHeaders, string payloadHash)
    {
        var headers = signedHeaders.OrderBy(h => h.Key, StringComparer.Ordinal).ToList();
        var text = new StringBuilder();
        text.Append(method).Append('\n');
        text.Append(UriEncode(path, keepSlash: true)).Append('\n');
        text.Append(canonicalQuery).Append('\n');
        foreach (var (name, value) in headers)
            text.Append(name).Append(':').Append(TrimAll(value)).Append('\n');
        text.Append('\n');
        text.Append(string.Join(';', headers.Select(h => h.Key))).Append('\n');
        text.Append(payloadHash);
        return text.ToString();
    }

    public static string Scope(string date, string region, string service = "s3") => $"{date}/{region}/{service}/aws4_request";

    public static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{amzDate}\n{scope}\n{Sha256Hex(Encoding.UTF8.GetBytes(canonicalRequest))}";

    /// <summary>The string to sign of one chunk of a streaming upload, chained to the previous chunk's signature.</summary>
    public static string ChunkStringToSign(string amzDate, string scope, string previousSignature, ReadOnlySpan<byte> chunk) =>
        $"{ChunkAlgorithm}\n{amzDate}\n{scope}\n{previousSignature}\n{EmptySha256}\n{Sha256Hex(chunk)}";

    public static byte[] SigningKey(string secretKey, string date, string region, string service = "s3")
    {
        var dateKey = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretKey), Encoding.UTF8.GetBytes(date));
        var regionKey = HMACSHA256.HashData(dateKey, Encoding.UTF8.GetBytes(region));
        var serviceKey = HMACSHA256.HashData(regionKey, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(serviceKey, "aws4_request"u8);
    }

    public static string Sign(byte[] signingKey, string stringToSign) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));

    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Equal signatures, compared in constant time.</summary>
    public static bool SameSignature(string expected, string given) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(given));

    // Trimall of the SigV4 rules: outer whitespace removed, inner runs folded to one space.
    private static string TrimAll(string value) =>
        string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
