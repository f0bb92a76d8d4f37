using System.Text;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>
/// A list's <c>continue</c> token as the API server writes it: base64 of <c>{"v":"meta.k8s.io/v1","rv":N,"start":key}</c>,
/// the version the first page was read at and the key to go on after. <c>rv</c> -1 continues at the current state
/// (the token an expired one is answered with).
/// </summary>
public sealed record ContinueToken(long ResourceVersion, string StartAfter)
{
    public string Encode() =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(new JsonObject { ["v"] = "meta.k8s.io/v1", ["rv"] = ResourceVersion, ["start"] = StartAfter + "\u0000" }.ToJsonString()));

    public static ContinueToken Decode(string text)
    {
        try
        {
            var json = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(text)));
            if (json.String("v") != "meta.k8s.io/v1" || json.Number("rv") is not { } rv || json.String("start") is not { } start)
                throw new FormatException();
            return new ContinueToken(rv, start.TrimEnd('\u0000'));
        }
        catch (Exception malformed) when (malformed is FormatException or System.Text.Json.JsonException)
        {
            throw KubernetesApiException.BadRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
        }
    }

    /// <summary>The store key of an object: namespace and name, in the order lists are served.</summary>
    public static string KeyOf(JsonObject obj) => $"{obj.Namespace()}/{obj.Name()}";
}
