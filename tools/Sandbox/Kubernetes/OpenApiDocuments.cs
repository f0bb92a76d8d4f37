using System.Text;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>
/// The OpenAPI v2 document kubectl downloads before <c>apply</c> and <c>create</c>: served in the protobuf form kubectl asks
/// for (and JSON otherwise), with no schema definitions. kubectl then validates nothing client-side for lack of a
/// schema (as for any type a server does not publish), finds no patch types in it and computes strategic merge patches
/// from its compiled-in types. There is no OpenAPI v3 (404), as on servers before 1.24; kubectl falls back to v2.
/// </summary>
public sealed class OpenApiDocuments
{
    // What kube-openapi answers; the "@" form kubectl sends in Accept is not a valid Content-Type.
    private const string ProtobufMediaType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
    private const string Title = "Kubernetes";
    private const string Version = "v1.32.0";

    public async Task WriteV2Async(HttpContext http)
    {
        if (http.Request.Headers.Accept.ToString().Contains("protobuf", StringComparison.Ordinal))
        {
            http.Response.StatusCode = 200;
            http.Response.ContentType = ProtobufMediaType;
            await http.Response.Body.WriteAsync(ProtobufDocument(), http.RequestAborted);
            return;
        }
        await KubernetesApi.WriteAsync(http, 200, new JsonObject
        {
            ["swagger"] = "2.0",
            ["info"] = new JsonObject { ["title"] = Title, ["version"] = Version },
            ["paths"] = new JsonObject(),
            ["definitions"] = new JsonObject(),
        });
    }

    public Task WriteV3Async(HttpContext http, string groupVersionPath) =>
        Task.FromException(KubernetesApiException.PathNotFound());

    // gnostic's openapi_v2.Document: swagger = 1, info = 2 (title = 1, version = 2), paths = 8, definitions = 9.
    private static byte[] ProtobufDocument()
    {
        var info = new List<byte>();
        AppendField(info, 1, Encoding.UTF8.GetBytes(Title));
        AppendField(info, 2, Encoding.UTF8.GetBytes(Version));
        var document = new List<byte>();
        AppendField(document, 1, Encoding.UTF8.GetBytes("2.0"));
        AppendField(document, 2, [.. info]);
        AppendField(document, 8, []);
        AppendField(document, 9, []);
        return [.. document];
    }

    private static void AppendField(List<byte> message, int number, byte[] payload)
    {
        AppendVarint(message, (ulong)((number << 3) | 2));
        AppendVarint(message, (ulong)payload.Length);
        message.AddRange(payload);
    }

    private static void AppendVarint(List<byte> message, ulong value)
    {
        while (value >= 0x80)
        {
            message.Add((byte)(value | 0x80));
            value >>= 7;
        }
        message.Add((byte)value);
    }
}
