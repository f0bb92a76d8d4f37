using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Mlops.Ctl;

/// <summary>One service's ops API: answers as JSON, and every failure turned into a message and an exit code.</summary>
public sealed class OpsClient(string service, Uri baseAddress, string token, HttpMessageHandler? handler = null) : IDisposable
{
    private readonly HttpClient _http = CreateClient(baseAddress, token, handler);

    public string Service { get; } = service;

    /// <summary>The answer's status and JSON body; 401, 400 and 5xx or no answer at all end the command.</summary>
    public Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken) =>
        SendAsync(method, path, body is null ? null : new StringContent(JsonSerializer.Serialize(body, CtlOutput.Json), Encoding.UTF8, "application/json"),
            cancellationToken);

    /// <summary>As <see cref="SendAsync(HttpMethod, string, object?, CancellationToken)"/> with a body of text, e.g. a stack file as YAML.</summary>
    public Task<(HttpStatusCode Status, JsonElement Body)> SendTextAsync(HttpMethod method, string path, string text, string mediaType,
        CancellationToken cancellationToken) =>
        SendAsync(method, path, new StringContent(text, Encoding.UTF8, mediaType), cancellationToken);

    /// <summary>A text answer (e.g. a pod's log) when 200; otherwise the status and the problem, as JSON.</summary>
    public async Task<(HttpStatusCode Status, string? Text, JsonElement Problem)> GetTextAsync(string path, CancellationToken cancellationToken)
    {
        var (status, mediaType, text) = await ExchangeAsync(HttpMethod.Get, path, null, cancellationToken);
        if (status == HttpStatusCode.OK && mediaType == "text/plain")
            return (status, text, default);
        return (status, null, Checked(status, Parse(status, text)));
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        var (status, _, text) = await ExchangeAsync(method, path, content, cancellationToken);
        return (status, Checked(status, Parse(status, text)));
    }

    private async Task<(HttpStatusCode Status, string? MediaType, string Text)> ExchangeAsync(HttpMethod method, string path, HttpContent? content,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new CtlException(CtlExit.Unreachable, $"{Service} at {_http.BaseAddress} cannot be reached: {ex.HttpRequestError} ({ex.Message})");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CtlException(CtlExit.Unreachable, $"{Service} at {_http.BaseAddress} did not answer within {_http.Timeout.TotalSeconds:0} s.");
        }
        using (response)
            return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private JsonElement Parse(HttpStatusCode status, string text)
    {
        if (text.Length == 0)
            return default;
        try
        {
            return JsonSerializer.Deserialize<JsonElement>(text);
        }
        catch (JsonException)
        {
            throw new CtlException(CtlExit.Unreachable, $"{Service} answered {(int)status} with a body that is not JSON: is {_http.BaseAddress} an mlops service?");
        }
    }

    private JsonElement Checked(HttpStatusCode status, JsonElement json)
    {
        if (status == HttpStatusCode.Unauthorized)
            throw new CtlException(CtlExit.BadUsage, $"{Service} refused the token ({Detail(json)}); give the right one with --token or MLOPS_TOKEN.");
        if (status == HttpStatusCode.BadRequest)
            throw new CtlException(CtlExit.BadUsage, $"{Service} refused the request: {Detail(json)}");
        if ((int)status >= 500)
            throw new CtlException(CtlExit.Unreachable, $"{Service} answered {(int)status}: {Detail(json)}");
        return json;
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, cancellationToken);

    /// <summary>A problem+json answer in one line: its detail, or each field's errors.</summary>
    public static string Detail(JsonElement problem)
    {
        if (problem.ValueKind != JsonValueKind.Object)
            return "no details";
        if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            return string.Join("; ", errors.EnumerateObject().Select(e => $"{e.Name}: {string.Join(", ", e.Value.EnumerateArray().Select(m => m.GetString()))}"));
        if (problem.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
            return detail.GetString()!;
        return problem.TryGetProperty("title", out var title) ? title.GetString() ?? "no details" : "no details";
    }

    public void Dispose() => _http.Dispose();

    private static HttpClient CreateClient(Uri baseAddress, string token, HttpMessageHandler? handler)
    {
        var root = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        var client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        client.BaseAddress = root;
        client.Timeout = TimeSpan.FromSeconds(30);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
