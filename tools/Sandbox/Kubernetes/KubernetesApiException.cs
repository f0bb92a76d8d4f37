using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>A request the API server refuses, carried to the response as a <c>Status</c> object with the real reason and code.</summary>
public sealed class KubernetesApiException : Exception
{
    private KubernetesApiException(int code, string reason, string message, JsonObject? details)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
    }

    public int Code { get; }

    public string Reason { get; }

    public JsonObject? Details { get; }

    public static KubernetesApiException NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.QualifiedPlural} \"{name}\" not found", Detail(type, name));

    public static KubernetesApiException AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.QualifiedPlural} \"{name}\" already exists", Detail(type, name));

    public static KubernetesApiException Conflict(ResourceType type, string name) =>
        new(409, "Conflict",
            $"Operation cannot be fulfilled on {type.QualifiedPlural} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            Detail(type, name));

    public static KubernetesApiException Invalid(ResourceType type, string name, IReadOnlyList<StatusCause> causes)
    {
        var details = Detail(type, name);
        details["kind"] = type.Kind;
        details["causes"] = new JsonArray(causes.Select(c => (JsonNode)new JsonObject
        {
            ["reason"] = c.Reason,
            ["message"] = c.Message,
            ["field"] = c.Field,
        }).ToArray());
        var summary = causes.Count == 1
            ? $"{causes[0].Field}: {causes[0].Message}"
            : "[" + string.Join(", ", causes.Select(c => $"{c.Field}: {c.Message}")) + "]";
        return new(422, "Invalid", $"{type.QualifiedKind} \"{name}\" is invalid: {summary}", details);
    }

    public static KubernetesApiException BadRequest(string message) => new(400, "BadRequest", message, null);

    public static KubernetesApiException UnsupportedMediaType(string contentType) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got {contentType})", null);

    public static KubernetesApiException MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message, null);

    public static KubernetesApiException Forbidden(ResourceType type, string name, string message) =>
        new(403, "Forbidden", $"{type.QualifiedPlural} \"{name}\" is forbidden: {message}", Detail(type, name));

    /// <summary>What a watch from a compacted resourceVersion gets: 410 Gone, reason Expired.</summary>
    public static KubernetesApiException Expired(long requested, long oldest) =>
        new(410, "Expired", $"too old resource version: {requested} ({oldest})", null);

    public static KubernetesApiException PathNotFound() => new(404, "NotFound", "the server could not find the requested resource", new JsonObject());

    /// <summary>Any error code as a Status, for fault injection.</summary>
    public static KubernetesApiException Injected(int code, string message) =>
        new(code, code switch
        {
            429 => "TooManyRequests",
            500 => "InternalError",
            503 => "ServiceUnavailable",
            504 => "Timeout",
            _ => "Unknown",
        }, message, null);

    public JsonObject ToStatus() =>
        KubernetesStatus.Failure(Code, Reason, Message, Details?.DeepClone().AsObject());

    private static JsonObject Detail(ResourceType type, string name)
    {
        var details = new JsonObject { ["name"] = name };
        if (type.Group.Length > 0)
            details["group"] = type.Group;
        details["kind"] = type.Plural;
        return details;
    }
}
