using System.Text.Json;

namespace Mlops.Ops.Tests;

/// <summary>Reads an ops error answer and checks it is problem+json.</summary>
public static class Problem
{
    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response, int status)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync());
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>The messages for one field of a 400 answer.</summary>
    public static string[] ErrorsOf(JsonElement problem, string field) =>
        problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()!).ToArray();
}
