using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Mlops.ServiceDefaults.Ops;

/// <summary>
/// What an ops command endpoint received, for the factory that turns it into a command: route values, query, body, and the
/// FlowId and time to stamp the command with. Its readers throw <see cref="OpsValidationException"/> (answered 400).
/// </summary>
public sealed class OpsCommandRequest
{
    /// <summary>Request header a caller may send to continue a flow; otherwise a new FlowId is made.</summary>
    public const string FlowIdHeader = "Mlops-Flow-Id";

    /// <summary>The longest body an ops command takes.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    internal OpsCommandRequest(HttpContext http, string body, Guid flowId, DateTimeOffset occurredAt)
    {
        Http = http;
        BodyText = body;
        FlowId = flowId;
        OccurredAt = occurredAt;
    }

    /// <summary>The HTTP request, for anything the readers below do not cover.</summary>
    public HttpContext Http { get; }

    /// <summary>The body as sent (empty when there was none), e.g. a stack file in YAML.</summary>
    public string BodyText { get; }

    /// <summary>The caller's <c>Mlops-Flow-Id</c>, or a new id: the command's FlowId.</summary>
    public Guid FlowId { get; }

    /// <summary>When the request arrived: the command's OccurredAt.</summary>
    public DateTimeOffset OccurredAt { get; }

    /// <summary>A route value that must be there and not be blank, e.g. <c>Route("model")</c> of <c>/ops/models/{model}/promote</c>.</summary>
    public string Route(string name, int maxLength = 253)
    {
        var value = Http.Request.RouteValues.TryGetValue(name, out var raw) ? raw?.ToString() : null;
        return Check(name, value, maxLength) ?? throw new OpsValidationException(name, $"'{name}' is required.");
    }

    /// <summary>A query value, or null when absent; blank, too long or with control characters is refused.</summary>
    public string? Query(string name, int maxLength = 253)
    {
        var values = Http.Request.Query[name];
        if (values.Count == 0)
            return null;
        if (values.Count > 1)
            throw new OpsValidationException(name, $"'{name}' is given more than once.");
        return Check(name, values[0], maxLength) ?? throw new OpsValidationException(name, $"'{name}' must not be blank.");
    }

    /// <summary>The JSON body as <typeparamref name="T"/> (camelCase names, as the CLI sends); missing or malformed is refused.</summary>
    public T Body<T>() where T : class
    {
        if (string.IsNullOrWhiteSpace(BodyText))
            throw new OpsValidationException("body", $"A JSON body ({typeof(T).Name}) is required.");
        try
        {
            return JsonSerializer.Deserialize<T>(BodyText, Json)
                ?? throw new OpsValidationException("body", $"A JSON body ({typeof(T).Name}) is required, not null.");
        }
        catch (JsonException ex)
        {
            // The serializer names the member and position (and the missing required properties); never the whole body.
            throw new OpsValidationException(ex.Path is { Length: > 1 } path ? "body" + path[1..] : "body",
                $"The body is not a valid {typeof(T).Name}: {ex.Message.Split(" Path:", 2)[0]}");
        }
    }

    /// <summary>The JSON body as <typeparamref name="T"/>, or null when no body was sent.</summary>
    public T? OptionalBody<T>() where T : class => string.IsNullOrWhiteSpace(BodyText) ? null : Body<T>();

    /// <summary>Refuses the request with 400 for <paramref name="field"/> unless <paramref name="condition"/> holds.</summary>
    public static void Require(bool condition, string field, string message)
    {
        if (!condition)
            throw new OpsValidationException(field, message);
    }

    private static string? Check(string name, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        if (value.Length > maxLength)
            throw new OpsValidationException(name, $"'{name}' may have at most {maxLength} characters.");
        if (value.Any(char.IsControl))
            throw new OpsValidationException(name, $"'{name}' must not contain control characters.");
        return value.Trim();
    }
}
