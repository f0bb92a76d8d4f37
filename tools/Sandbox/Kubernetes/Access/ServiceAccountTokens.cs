using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes.Access;

/// <summary>
/// Issues and verifies ServiceAccount tokens as the TokenRequest API does: JWTs with the real claims (issuer, subject
/// <c>system:serviceaccount:&lt;ns&gt;:&lt;name&gt;</c>, audiences, expiry, the <c>kubernetes.io</c> claim with the account's
/// uid and the bound object), signed with a key of this sandbox (HS256; clients never verify it). A token is valid while
/// it has not expired, names the API server's audience, and its ServiceAccount (and bound object) still exist with
/// the uids it was issued for.
/// </summary>
public sealed class ServiceAccountTokens(KubernetesRegistry registry)
{
    /// <summary>The issuer, and the audience the API server accepts, of a cluster with the default settings.</summary>
    public const string Issuer = "https://kubernetes.default.svc.cluster.local";

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>Signs a token for <paramref name="account"/>; <paramref name="bound"/> is the pod or secret it dies with.</summary>
    public (string Token, DateTimeOffset Expires) Issue(JsonObject account, IReadOnlyList<string> audiences, long expirationSeconds, JsonObject? bound)
    {
        var now = DateTimeOffset.UtcNow;
        var expires = now.AddSeconds(expirationSeconds);
        var kubernetes = new JsonObject
        {
            ["namespace"] = account.Namespace(),
            ["serviceaccount"] = new JsonObject { ["name"] = account.Name(), ["uid"] = account.Uid() },
        };
        if (bound is not null)
            kubernetes[bound.String("kind")!.ToLowerInvariant()] = new JsonObject { ["name"] = bound.String("name"), ["uid"] = bound.String("uid") };
        var claims = new JsonObject
        {
            ["aud"] = new JsonArray(audiences.Select(a => (JsonNode)a).ToArray()),
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["iss"] = Issuer,
            ["jti"] = Guid.NewGuid().ToString(),
            ["kubernetes.io"] = kubernetes,
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["sub"] = $"{UserInfo.ServiceAccountPrefix}{account.Namespace()}:{account.Name()}",
        };
        var header = Base64Url(Encoding.UTF8.GetBytes("""{"alg":"HS256","kid":"sandbox"}"""));
        var payload = Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        return ($"{header}.{payload}.{Sign(header, payload)}", expires);
    }

    /// <summary>The identity behind a bearer token, or null when the API server would answer 401.</summary>
    public UserInfo? Verify(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
            return null;
        var expected = Encoding.ASCII.GetBytes(Sign(parts[0], parts[1]));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(parts[2])))
            return null;
        JsonObject claims;
        try
        {
            claims = JsonNode.Parse(FromBase64Url(parts[1])) as JsonObject ?? throw new FormatException();
        }
        catch (Exception malformed) when (malformed is FormatException or System.Text.Json.JsonException)
        {
            return null;
        }
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (claims.Number("exp") is not { } exp || exp <= now || (claims.Number("nbf") ?? 0) > now)
            return null;
        if (!(claims["aud"] as JsonArray ?? []).Any(a => a?.ToString() == Issuer))
            return null;
        var kubernetes = claims["kubernetes.io"];
        var ns = kubernetes.String("namespace") ?? "";
        var account = kubernetes?["serviceaccount"];
        var stored = registry.Find(ResourceCatalog.ServiceAccounts, ns, account.String("name") ?? "");
        if (stored is null || stored.Uid() != account.String("uid"))
            return null;
        foreach (var (kind, type) in new[] { ("pod", ResourceCatalog.Pods), ("secret", ResourceCatalog.Secrets) })
        {
            if (kubernetes?[kind] is JsonObject boundTo && registry.Find(type, ns, boundTo.String("name") ?? "")?.Uid() != boundTo.String("uid"))
                return null;
        }
        return new UserInfo($"{UserInfo.ServiceAccountPrefix}{ns}:{stored.Name()}", UserInfo.ServiceAccountGroups(ns), stored.Uid());
    }

    private string Sign(string header, string payload) =>
        Base64Url(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes($"{header}.{payload}")));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }
}
