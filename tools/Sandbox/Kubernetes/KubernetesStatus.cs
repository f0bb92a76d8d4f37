using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>Builds <c>meta/v1 Status</c> objects as the API server writes them.</summary>
public static class KubernetesStatus
{
    public static JsonObject Failure(int code, string reason, string message, JsonObject? details)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details is not null)
            status["details"] = details;
        status["code"] = code;
        return status;
    }

    /// <summary>What a delete answers for kinds that do not return the deleted object.</summary>
    public static JsonObject Success(ResourceType type, string name, string uid)
    {
        var details = new JsonObject { ["name"] = name };
        if (type.Group.Length > 0)
            details["group"] = type.Group;
        details["kind"] = type.Plural;
        details["uid"] = uid;
        return new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = details,
        };
    }
}
