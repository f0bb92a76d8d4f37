using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Mlops.ModelPromoter.Tests.Ops;

/// <summary>The promoter's ops API as mlopsctl calls it: bearer token, JSON bodies, JSON or problem+json answers.</summary>
public sealed class ModelOpsClient(Uri baseAddress, string? token) : IDisposable
{
    public const string Owner = "ana";

    public const string Token = "ana-ops-token-0123456789";

    /// <summary>The promoter's setting that gives <see cref="Owner"/> the <see cref="Token"/>.</summary>
    public static KeyValuePair<string, string?> Setting => new($"Ops:Tokens:{Owner}", Token);

    /// <summary>A promoter's settings with <see cref="Setting"/> and <paramref name="more"/>.</summary>
    public static Dictionary<string, string?> Settings(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?> { [Setting.Key] = Setting.Value };
        foreach (var (key, value) in more)
            settings[key] = value;
        return settings;
    }

    private readonly HttpClient _http = new() { BaseAddress = baseAddress };

    public async Task<(HttpStatusCode Status, JsonElement Body, string? ContentType)> PostAsync(string path, object? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = body is null ? null : new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        return await SendAsync(request);
    }

    public async Task<(HttpStatusCode Status, JsonElement Body, string? ContentType)> GetAsync(string path) =>
        await SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    private async Task<(HttpStatusCode, JsonElement, string?)> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            if (token is not null)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var answer = await _http.SendAsync(request);
            var text = await answer.Content.ReadAsStringAsync();
            var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
            return (answer.StatusCode, body, answer.Content.Headers.ContentType?.MediaType);
        }
    }

    public void Dispose() => _http.Dispose();
}
