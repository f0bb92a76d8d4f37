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
        name.Length == 0
            ? new(403, "Forbidden", $"{type.QualifiedPlural} is forbidden: {message}", Detail(type, name))
            : new(403, "Forbidden", $"{type.QualifiedPlural} \"{name}\" is forbidden: {message}", Detail(type, name));

    /// <summary>A refusal that names no resource: an RBAC denial of a non-resource path.</summary>
    public static KubernetesApiException Forbidden(string message) => new(403, "Forbidden", $"forbidden: {message}", new JsonObject());

    /// <summary>A missing, malformed, expired or revoked bearer token.</summary>
    public static KubernetesApiException Unauthorized() => new(401, "Unauthorized", "Unauthorized", null);

    public static KubernetesApiException ServiceUnavailable(string message) => new(503, "ServiceUnavailable", message, null);

    /// <summary>A delete whose preconditions (uid, resourceVersion) do not hold.</summary>
    public static KubernetesApiException PreconditionFailed(ResourceType type, string name, string field, string expected, string actual) =>
        new(409, "Conflict",
            $"Operation cannot be fulfilled on {type.QualifiedPlural} \"{name}\": Precondition failed: {field} in precondition: {expected}, {field} in object meta: {actual}",
            Detail(type, name));

    /// <summary>A list continued with a token whose snapshot has been compacted away; the Status carries a token to go on inconsistently.</summary>
    public static KubernetesApiException ContinueExpired(string inconsistentContinue) =>
        new(410, "Expired",
            "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
            null)
        {
            ContinueToken = inconsistentContinue,
        };

    /// <summary>A list or get at a resourceVersion the store has not reached.</summary>
    public static KubernetesApiException TooLargeResourceVersion(long requested, long current) =>
        new(504, "Timeout", $"Too large resource version: {requested}, current: {current}", new JsonObject
        {
            ["causes"] = new JsonArray(new JsonObject
            {
                ["reason"] = "ResourceVersionTooLarge",
                ["message"] = "Too large resource version",
            }),
            ["retryAfterSeconds"] = 1,
        });

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

    /// <summary>Set on an expired continue: <c>metadata.continue</c> of the Status.</summary>
    public string? ContinueToken { get; private init; }

    public JsonObject ToStatus()
    {
        var status = KubernetesStatus.Failure(Code, Reason, Message, Details?.DeepClone().AsObject());
        if (ContinueToken is not null)
            status["metadata"] = new JsonObject { ["continue"] = ContinueToken };
        return status;
    }

    private static JsonObject Detail(ResourceType type, string name)
    {
        var details = new JsonObject { ["name"] = name };
        if (type.Group.Length > 0)
            details["group"] = type.Group;
        details["kind"] = type.Plural;
        return details;
    }
}
