using System.Text.Json.Nodes;

namespace Mlops.Clients.Tests;

/// <summary>The API server's <c>Status</c> error bodies, as it writes them.</summary>
public static class KubernetesStatusBodies
{
    public static string Failure(int code, string reason, string message) => new JsonObject
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = code,
    }.ToJsonString();
}
