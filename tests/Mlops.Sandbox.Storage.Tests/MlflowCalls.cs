using System.Net.Http.Json;
using System.Text.Json;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>Plain JSON calls to the MLflow REST API, as a typed client would send them.</summary>
public static class MlflowCalls
{
    public const string Api = "api/2.0/mlflow/";

    public static async Task<(int Status, JsonElement Body)> CallAsync(this HttpClient http, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, Api + path);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonDocument.Parse(text.Length == 0 ? "{}" : text).RootElement.Clone());
    }

    /// <summary>Calls and requires 200, returning the body.</summary>
    public static async Task<JsonElement> OkAsync(this HttpClient http, HttpMethod method, string path, object? body = null)
    {
        var (status, answer) = await http.CallAsync(method, path, body);
        Assert.True(status == 200, $"{method} {path} answered {status}: {answer}");
        return answer;
    }

    public static string Text(this JsonElement element, string property) => element.GetProperty(property).GetString()!;
}
