using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mlops.Sandbox.Kubernetes.Pods;

namespace Mlops.Sandbox.Programs;

/// <summary>
/// MLflow's scoring server for a loaded model: <c>GET /ping</c> and <c>/health</c> (200, body a new line),
/// <c>GET /version</c>, and <c>POST /invocations</c> with JSON (<c>dataframe_split</c>, <c>dataframe_records</c>,
/// <c>instances</c> or <c>inputs</c>) or <c>text/csv</c>, answering <c>{"predictions": [...]}</c>: per input row ten class
/// probabilities that depend on the row and on the loaded model only. Unsupported content types get 415 and bad input 400
/// with MLflow's messages. GET routes answer HEAD too (Flask in MLflow 2, Starlette in MLflow 3 both add it); unknown
/// paths and methods get Flask's or FastAPI's 404/405.
/// </summary>
public sealed class ScoringServer(LoadedModel model, string mlflowVersion)
{
    private const int Classes = 10;
    private static readonly string[] s_formats = ["dataframe_split", "dataframe_records", "instances", "inputs"];

    private const string ScoringProtocolChangeInfo =
        "IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0. If you are seeing this error, you are likely using an outdated scoring request format. To resolve the error, either update your request format or adjust your MLflow Model's requirements file to specify an older version of MLflow (for example, change the 'mlflow' requirement specifier to 'mlflow==1.30.0'). If you are making a request using the MLflow client (e.g. via `mlflow.pyfunc.spark_udf()`), upgrade your MLflow client to a version >= 2.0 in order to use the new request format. For more information about the updated MLflow Model scoring protocol in MLflow 2.0, see https://mlflow.org/docs/latest/models.html#deploy-mlflow-models.";

    private const string RequiredInputFormat =
        "The input must be a JSON dictionary with exactly one of the input fields {'dataframe_split', 'dataframe_records', 'instances', 'inputs'}";

    private bool IsFastApi => !mlflowVersion.StartsWith("1.", StringComparison.Ordinal) && !mlflowVersion.StartsWith("2.", StringComparison.Ordinal);

    public ContainerResponse Handle(ContainerRequest request)
    {
        var path = request.PathAndQuery.Split('?')[0];
        var get = request.Method is "GET" or "HEAD";
        var head = request.Method == "HEAD";
        return path switch
        {
            "/ping" or "/health" when get => Answer(200, "application/json", head ? "" : "\n"),
            "/version" when get => Answer(200, "application/json", head ? "" : mlflowVersion),
            "/invocations" when request.Method == "POST" => Invocations(request),
            "/ping" or "/health" or "/version" or "/invocations" => MethodNotAllowed(),
            _ => NotFound(),
        };
    }

    private ContainerResponse Invocations(ContainerRequest request)
    {
        var contentType = request.ContentType;
        var parts = (contentType ?? "").Split(';').Select(p => p.Trim()).ToList();
        var mime = parts[0];
        var parameters = parts.Skip(1).Where(p => p.Length > 0)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
        if (parameters.TryGetValue("charset", out var charset) && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            return Answer(415, "text/plain", "The scoring server only supports UTF-8");
        var unexpected = parameters.Keys.Where(k => k != "charset").ToList();
        if (unexpected.Count > 0)
            return Answer(415, "text/plain", $"Unrecognized content type parameters: {string.Join(", ", unexpected)}. {ScoringProtocolChangeInfo}");
        var body = Encoding.UTF8.GetString(request.Body.Span);
        try
        {
            var rows = mime switch
            {
                "text/csv" => CsvRows(body),
                "application/json" => JsonRows(body),
                _ => null,
            };
            if (rows is null)
                return Answer(415, "text/plain", $"This predictor only supports the following content types: Types: ['text/csv', 'application/json']. Got '{contentType ?? "None"}'.");
            var predictions = new JsonArray(rows.Select(r => (JsonNode)Predict(r)).ToArray());
            return Answer(200, "application/json", new JsonObject { ["predictions"] = predictions }.ToJsonString());
        }
        catch (ScoringInputException ex)
        {
            return Answer(400, "application/json", new JsonObject { ["error_code"] = "BAD_REQUEST", ["message"] = ex.Message }.ToJsonString());
        }
    }

    private static List<string> CsvRows(string body)
    {
        var lines = body.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToList();
        if (lines.Count == 0)
            throw new ScoringInputException("Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid CSV-formatted Pandas DataFrame produced using the `pandas.DataFrame.to_csv()` method. Error: 'No columns to parse from file'");
        return lines.Skip(1).ToList();
    }

    private static List<string> JsonRows(string body)
    {
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new ScoringInputException($"Invalid input. Ensure that input is a valid JSON formatted string. Error: 'JSONDecodeError(\"{ex.Message}\")'\nInput: \n{body}\n");
        }
        if (parsed is JsonArray)
            throw new ScoringInputException($"Invalid input. {RequiredInputFormat}. Received a list.");
        if (parsed is not JsonObject input)
            throw new ScoringInputException($"Invalid input. {RequiredInputFormat}. Received unexpected input type '{PythonType(parsed)}.");
        var formats = input.Select(p => p.Key).Where(s_formats.Contains).ToList();
        if (formats.Count != 1)
            throw new ScoringInputException($"{RequiredInputFormat}. Received dictionary with input fields: [{string.Join(", ", input.Select(p => $"'{p.Key}'"))}]. {ScoringProtocolChangeInfo}");
        var data = input[formats[0]];
        return formats[0] switch
        {
            "dataframe_split" => data is JsonObject split && split["data"] is JsonArray rows
                ? rows.Select(r => r?.ToJsonString() ?? "null").ToList()
                : throw new ScoringInputException("Dataframe split format must have 'data' field."),
            "dataframe_records" => data is JsonArray records
                ? records.Select(r => r?.ToJsonString() ?? "null").ToList()
                : throw new ScoringInputException("Dataframe records format must be a list of records."),
            _ => TensorRows(data),
        };
    }

    // instances/inputs: a list is one row per element; a dict of named inputs is as long as its first column.
    private static List<string> TensorRows(JsonNode? data) => data switch
    {
        JsonArray list => list.Select(r => r?.ToJsonString() ?? "null").ToList(),
        JsonObject named when named.FirstOrDefault().Value is JsonArray column =>
            Enumerable.Range(0, column.Count).Select(i => string.Join(',', named.Select(c => c.Value is JsonArray a && i < a.Count ? a[i]?.ToJsonString() : c.Value?.ToJsonString()))).ToList(),
        null => throw new ScoringInputException("Invalid input. Failed to parse data as TF serving input. The input is empty."),
        _ => [data.ToJsonString()],
    };

    // Softmax-like scores from a hash of the model and the row: the same row and model always give the same answer.
    private JsonArray Predict(string row)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(model.Identity + "\n" + row));
        var weights = Enumerable.Range(0, Classes).Select(i => 1.0 + hash[i]).ToArray();
        var total = weights.Sum();
        return new JsonArray(weights.Select(w => (JsonNode)JsonValue.Create(Math.Round(w / total, 6))).ToArray());
    }

    private ContainerResponse NotFound() => IsFastApi
        ? Answer(404, "application/json", "{\"detail\":\"Not Found\"}")
        : Answer(404, "text/html; charset=utf-8", "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n");

    private ContainerResponse MethodNotAllowed() => IsFastApi
        ? Answer(405, "application/json", "{\"detail\":\"Method Not Allowed\"}")
        : Answer(405, "text/html; charset=utf-8", "<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n");

    private static ContainerResponse Answer(int status, string contentType, string body) =>
        new(status, contentType, Encoding.UTF8.GetBytes(body));

    private static string PythonType(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.String => "<class 'str'>",
        JsonValueKind.Number => node.ToJsonString().Contains('.', StringComparison.Ordinal) ? "<class 'float'>" : "<class 'int'>",
        JsonValueKind.True or JsonValueKind.False => "<class 'bool'>",
        _ => "<class 'NoneType'>",
    };

}
