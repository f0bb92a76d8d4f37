using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Mlflow;

/// <summary>The fields of one MLflow API call, from the JSON body or the query string as MLflow's server reads them.</summary>
public sealed class MlflowRequest
{
    private readonly JsonObject _body;
    private readonly IQueryCollection _query;
    private readonly RouteValueDictionary _route;

    private MlflowRequest(JsonObject body, IQueryCollection query, RouteValueDictionary route)
    {
        _body = body;
        _query = query;
        _route = route;
    }

    public static async Task<MlflowRequest> ReadAsync(HttpContext http)
    {
        var body = new JsonObject();
        if (!HttpMethods.IsGet(http.Request.Method) && (http.Request.ContentLength ?? 1) > 0)
        {
            using var reader = new StreamReader(http.Request.Body);
            var text = await reader.ReadToEndAsync(http.RequestAborted);
            if (!string.IsNullOrWhiteSpace(text))
            {
                try
                {
                    body = JsonNode.Parse(text) as JsonObject
                        ?? throw MlflowException.InvalidParameter("Request body must be a JSON object.");
                }
                catch (JsonException ex)
                {
                    throw MlflowException.InvalidParameter($"Malformed JSON in request body: {ex.Message}");
                }
            }
        }
        return new MlflowRequest(body, http.Request.Query, http.Request.RouteValues);
    }

    public string? String(string name)
    {
        if (_route.TryGetValue(name, out var routeValue) && routeValue is string fromRoute)
            return fromRoute;
        if (_body[name] is JsonValue value)
            return value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
        return _query.TryGetValue(name, out var query) && query.Count > 0 ? query[0] : null;
    }

    public string Required(string name) =>
        String(name) is { Length: > 0 } value ? value : throw MlflowException.MissingParameter(name);

    public long? Long(string name)
    {
        var text = String(name);
        if (string.IsNullOrEmpty(text))
            return null;
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw MlflowException.InvalidParameter($"Invalid value \"{text}\" for parameter '{name}' supplied.");
    }

    public double RequiredDouble(string name)
    {
        var text = Required(name);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw MlflowException.InvalidParameter($"Invalid value \"{text}\" for parameter '{name}' supplied.");
    }

    public bool Bool(string name) =>
        String(name) is { } text && (text.Equals("true", StringComparison.OrdinalIgnoreCase) || text == "1");

    /// <summary>A repeated field: a JSON array, or the query parameter given several times.</summary>
    public IReadOnlyList<string> Strings(string name)
    {
        if (_body[name] is JsonArray array)
            return array.Select(n => n is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : n?.ToJsonString() ?? "").ToList();
        return _query.TryGetValue(name, out var values) ? values.Where(v => v is not null).Select(v => v!).ToList() : [];
    }

    /// <summary>The objects of a repeated message field, e.g. <c>tags</c> or <c>metrics</c>.</summary>
    public IReadOnlyList<JsonObject> Objects(string name) =>
        _body[name] is JsonArray array ? array.OfType<JsonObject>().ToList() : [];

    /// <summary>A nested message field, e.g. <c>event</c>.</summary>
    public JsonObject? Object(string name) => _body[name] as JsonObject;

    /// <summary>A <c>[{"key", "value"}]</c> field as a dictionary; a later key wins.</summary>
    public IReadOnlyDictionary<string, string> Tags(string name = "tags")
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in Objects(name))
        {
            var key = tag["key"]?.GetValue<string>() ?? throw MlflowException.MissingParameter("key");
            tags[key] = ValueText(tag["value"]) ?? "";
        }
        return tags;
    }

    public static string? ValueText(JsonNode? node) =>
        node is JsonValue value ? (value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString()) : null;
}
