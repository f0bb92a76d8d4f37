using System.Text.Json;

namespace Mlops.Hostile.Tests;

/// <summary>Settings that let a service start with no outside system to call, and the check of an ops error answer.</summary>
public static class HostileServices
{
    /// <summary>The outside systems named (each needs them to start) at port 9 of loopback, which answers nothing; the ops token.</summary>
    public static Dictionary<string, string?> Outside(string token) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Ops:Tokens:hostile"] = token,
        ["Kubernetes:Server"] = "http://127.0.0.1:9",
        ["Minio:Endpoint"] = "http://127.0.0.1:9",
        ["Minio:AccessKey"] = "unused",
        ["Minio:SecretKey"] = "unused-secret",
        ["Mlflow:Url"] = "http://127.0.0.1:9",
    };

    /// <summary>Checks that <paramref name="response"/> is problem+json with <paramref name="status"/> and a reason; returns it.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonSerializer.Deserialize<JsonElement>(text);
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("errors", out _) || problem.TryGetProperty("detail", out _), text);
        return problem;
    }

    /// <summary>The messages of a 400 answer for <paramref name="field"/> or a field inside it (<c>body.stackName</c> is in <c>body</c>).</summary>
    public static IReadOnlyList<string> ErrorsFor(JsonElement problem, string field) => problem.GetProperty("errors").EnumerateObject()
        .Where(e => e.Name == field || e.Name.StartsWith(field + ".", StringComparison.Ordinal) || e.Name.StartsWith(field + "[", StringComparison.Ordinal))
        .SelectMany(e => e.Value.EnumerateArray().Select(m => m.GetString() ?? "")).ToList();
}
