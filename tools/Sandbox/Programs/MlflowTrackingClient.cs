using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mlops.Sandbox.Cluster;

namespace Mlops.Sandbox.Programs;

/// <summary>
/// MLflow's REST client as a process in a pod uses it: requests go to <c>MLFLOW_TRACKING_URI</c> through the cluster's
/// addresses, and failures read as the MLflow client reports them (<c>RestException: CODE: message</c>, or the
/// connection error). As MLflow's client does, it retries 408, 429, 500, 502, 503 and 504 up to
/// <c>MLFLOW_HTTP_REQUEST_MAX_RETRIES</c> (7) times with a backoff of <c>MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR</c> (2) ×
/// 2^(retry - 1) seconds, at most 120 s; unlike it, it does not retry connection errors for minutes first.
/// </summary>
public sealed class MlflowTrackingClient(Uri trackingUri, ClusterAddresses cluster, string? podNamespace)
{
    public const string Api = "/api/2.0/mlflow/";

    /// <summary>The client for <c>MLFLOW_TRACKING_URI</c> in <paramref name="env"/>; null when it is not an http(s) URI.</summary>
    public static MlflowTrackingClient? From(IReadOnlyDictionary<string, string> env, ClusterAddresses cluster, string? podNamespace) =>
        env.GetValueOrDefault("MLFLOW_TRACKING_URI") is { Length: > 0 } text && Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? new MlflowTrackingClient(uri, cluster, podNamespace)
            : null;

    public Uri TrackingUri => trackingUri;

    public Task<JsonObject> GetAsync(string method, IReadOnlyDictionary<string, string> query, CancellationToken cancellationToken) =>
        CallAsync(HttpMethod.Get, method + QueryString(query), null, cancellationToken);

    public Task<JsonObject> PostAsync(string method, object body, CancellationToken cancellationToken) =>
        CallAsync(HttpMethod.Post, method, body, cancellationToken);

    public Task<JsonObject> PatchAsync(string method, object body, CancellationToken cancellationToken) =>
        CallAsync(HttpMethod.Patch, method, body, cancellationToken);

    public const int MaxRetries = 7;

    private async Task<JsonObject> CallAsync(HttpMethod verb, string method, object? body, CancellationToken cancellationToken)
    {
        for (var retry = 1; ; retry++)
        {
            var (answer, failure, retryable) = await CallOnceAsync(verb, method, body, cancellationToken);
            if (failure is null)
                return answer!;
            if (!retryable || retry > MaxRetries)
                throw failure;
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(120, 2 * Math.Pow(2, retry - 1))), cancellationToken);
        }
    }

    private async Task<(JsonObject? Answer, ProgramExitException? Failure, bool Retryable)> CallOnceAsync(HttpMethod verb, string method, object? body, CancellationToken cancellationToken)
    {
        var url = new Uri(trackingUri.GetLeftPart(UriPartial.Path).TrimEnd('/') + Api + method);
        var route = cluster.Resolve(url, podNamespace);
        if (!route.Reached)
            return (null, ProgramExitException.Python(PythonErrors.MlflowApiRequestFailed(url, route), "mlflow/utils/rest_utils.py", "http_request"), false);
        using var request = new HttpRequestMessage(verb, route.Rewrite(url));
        if (body is not null)
            request.Content = JsonContent.Create(body);
        HttpResponseMessage response;
        try
        {
            response = await ClusterHttp.Client.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException)
        {
            var refused = route with { Failure = ClusterRouteFailure.ConnectionRefused };
            return (null, ProgramExitException.Python(PythonErrors.MlflowApiRequestFailed(url, refused), "mlflow/utils/rest_utils.py", "http_request"), false);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonObject? json = null;
            try
            {
                json = JsonNode.Parse(text.Length == 0 ? "{}" : text) as JsonObject;
            }
            catch (JsonException)
            {
                // Not JSON: reported below with the body.
            }
            if (response.IsSuccessStatusCode && json is not null)
                return (json, null, false);
            var retryable = (int)response.StatusCode is 408 or 429 or 500 or 502 or 503 or 504;
            if (json is not null && json["error_code"] is not null)
                return (null, ProgramExitException.Python($"mlflow.exceptions.RestException: {json["error_code"]}: {json["message"]}", "mlflow/utils/rest_utils.py", "verify_rest_response"), retryable);
            return (null, ProgramExitException.Python(
                $"mlflow.exceptions.MlflowException: API request to endpoint {Api}{method.Split('?')[0]} failed with error code {(int)response.StatusCode} != 200. Response body: '{text}'",
                "mlflow/utils/rest_utils.py", "verify_rest_response"), retryable);
        }
    }

    private static string QueryString(IReadOnlyDictionary<string, string> query) =>
        query.Count == 0 ? "" : "?" + string.Join('&', query.Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value)}"));
}
