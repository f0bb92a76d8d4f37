using System.Net.Http.Json;
using System.Text.Json;

namespace Mlops.TrainingCoordinator.Tests;

/// <summary>Reads of the MLflow stand-in's REST API, as a person checking the registry would make them.</summary>
public static class MlflowReads
{
    public static async Task<JsonElement> RunAsync(HttpClient mlflow, string runId) =>
        (await mlflow.GetFromJsonAsync<JsonElement>($"api/2.0/mlflow/runs/get?run_id={Uri.EscapeDataString(runId)}")).GetProperty("run");

    public static async Task<JsonElement> VersionAsync(HttpClient mlflow, string model, string version) =>
        (await mlflow.GetFromJsonAsync<JsonElement>(
            $"api/2.0/mlflow/model-versions/get?name={Uri.EscapeDataString(model)}&version={Uri.EscapeDataString(version)}")).GetProperty("model_version");

    public static async Task<IReadOnlyList<JsonElement>> VersionsOfRunAsync(HttpClient mlflow, string runId)
    {
        var page = await mlflow.GetFromJsonAsync<JsonElement>($"api/2.0/mlflow/model-versions/search?filter={Uri.EscapeDataString($"run_id='{runId}'")}");
        return page.TryGetProperty("model_versions", out var versions) ? versions.EnumerateArray().ToList() : [];
    }

    public static string? Tag(JsonElement run, string key) =>
        run.GetProperty("data").TryGetProperty("tags", out var tags)
            ? tags.EnumerateArray().Where(t => t.GetProperty("key").GetString() == key).Select(t => t.GetProperty("value").GetString()).FirstOrDefault()
            : null;

    public static double? Metric(JsonElement run, string key) =>
        run.GetProperty("data").TryGetProperty("metrics", out var metrics)
            ? metrics.EnumerateArray().Where(m => m.GetProperty("key").GetString() == key).Select(m => (double?)m.GetProperty("value").GetDouble()).FirstOrDefault()
            : null;
}
