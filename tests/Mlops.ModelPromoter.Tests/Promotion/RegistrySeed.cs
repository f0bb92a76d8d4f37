using System.Net.Http.Json;
using System.Text.Json;
using Minio;
using Minio.DataModel.Args;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests.Promotion;

/// <summary>Writes to the MLflow stand-in's REST API as a person's training script or the MLflow UI would make them.</summary>
public sealed class RegistrySeed(HttpClient mlflow, IMinioClient minio)
{
    private const string Api = "api/2.0/mlflow/";

    public static string NewModelName(string prefix = "cnn_classifier") => $"{prefix}_{Guid.NewGuid().ToString("N")[..8]}";

    public async Task<string> ExperimentAsync(string name)
    {
        var found = await mlflow.GetAsync(Api + "experiments/get-by-name?experiment_name=" + Uri.EscapeDataString(name));
        if (found.IsSuccessStatusCode)
            return (await found.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("experiment").GetProperty("experiment_id").GetString()!;
        var created = await PostAsync("experiments/create", new { name });
        return created.GetProperty("experiment_id").GetString()!;
    }

    /// <summary>A finished run in <paramref name="experimentId"/> with these tags and final metrics; its id.</summary>
    public async Task<(string RunId, string ArtifactUri)> RunAsync(string experimentId = "0", IReadOnlyDictionary<string, string>? tags = null,
        IReadOnlyDictionary<string, double>? metrics = null, bool finished = true)
    {
        var run = (await PostAsync("runs/create", new
        {
            experiment_id = experimentId,
            start_time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            tags = (tags ?? new Dictionary<string, string>()).Select(t => new { key = t.Key, value = t.Value }).ToArray(),
        })).GetProperty("run").GetProperty("info");
        var runId = run.GetProperty("run_id").GetString()!;
        if (metrics is { Count: > 0 })
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await PostAsync("runs/log-batch", new
            {
                run_id = runId,
                metrics = metrics.Select(m => new { key = m.Key, value = m.Value, timestamp = now, step = 0 }).ToArray(),
            });
        }
        if (finished)
            await FinishRunAsync(runId);
        return (runId, run.GetProperty("artifact_uri").GetString()!);
    }

    public Task FinishRunAsync(string runId) =>
        PostAsync("runs/update", new { run_id = runId, status = "FINISHED", end_time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });

    /// <summary>Registers a version (creating the model when needed) and answers its number; PENDING until the stand-in makes it READY.</summary>
    public async Task<string> RegisterAsync(string model, string source, string? runId, bool failRegistration = false)
    {
        var exists = await mlflow.GetAsync(Api + "registered-models/get?name=" + Uri.EscapeDataString(model));
        if (!exists.IsSuccessStatusCode)
            await PostAsync("registered-models/create", new { name = model });
        var tags = failRegistration ? new[] { new { key = "sandbox.fail_registration", value = "true" } } : [];
        var version = (await PostAsync("model-versions/create", new { name = model, source, run_id = runId, tags })).GetProperty("model_version");
        return version.GetProperty("version").GetString()!;
    }

    /// <summary>A finished run with metrics and a READY version of <paramref name="model"/> made from it.</summary>
    public async Task<(string Version, string RunId, string Source)> ReadyVersionAsync(string model, IReadOnlyDictionary<string, string>? tags = null,
        IReadOnlyDictionary<string, double>? metrics = null)
    {
        var (runId, artifacts) = await RunAsync(tags: tags, metrics: metrics ?? new Dictionary<string, double> { ["accuracy"] = 0.91 });
        return await VersionOfAsync(model, runId, artifacts + "/model");
    }

    /// <summary>
    /// A READY version whose files lie in <see cref="PromoterSandbox.UnwatchedBucket"/>, which sends no events, as a model
    /// logged where MinIO was never told to notify: only the trigger a test is about can promote it.
    /// </summary>
    public async Task<(string Version, string RunId, string Source)> UnwatchedVersionAsync(string model)
    {
        var (runId, _) = await RunAsync(metrics: new Dictionary<string, double> { ["accuracy"] = 0.91 });
        return await VersionOfAsync(model, runId, $"s3://{PromoterSandbox.UnwatchedBucket}/0/{runId}/artifacts/model");
    }

    private async Task<(string Version, string RunId, string Source)> VersionOfAsync(string model, string runId, string source)
    {
        await LogModelAsync(source, runId);
        var version = await RegisterAsync(model, source, runId);
        await WaitReadyAsync(model, version);
        return (version, runId, source);
    }

    /// <summary>
    /// A READY version made from a run tagged <c>mlops.training_id</c>, as the TrainingCoordinator's runs are: its MinIO
    /// events are left to the coordinator's ModelRegistered, so a test of that announcement sees only its own trigger.
    /// </summary>
    public Task<(string Version, string RunId, string Source)> TrainedVersionAsync(string model, IReadOnlyDictionary<string, string>? tags = null,
        IReadOnlyDictionary<string, double>? metrics = null) =>
        ReadyVersionAsync(model, Trained(tags), metrics);

    /// <summary>A finished run the TrainingCoordinator could have made (tagged <c>mlops.training_id</c>), with its model files logged.</summary>
    public async Task<(string RunId, string Source)> TrainedRunWithModelAsync()
    {
        var (runId, artifacts) = await RunAsync(tags: Trained(null));
        var source = artifacts + "/model";
        await LogModelAsync(source, runId);
        return (runId, source);
    }

    private static Dictionary<string, string> Trained(IReadOnlyDictionary<string, string>? tags)
    {
        var all = new Dictionary<string, string>(tags ?? new Dictionary<string, string>()) { ["mlops.training_id"] = Guid.NewGuid().ToString() };
        return all;
    }

    /// <summary>Writes a model's files at <paramref name="source"/> (<c>s3://bucket/key</c>) as <c>mlflow.pytorch.log_model</c> does.</summary>
    public async Task LogModelAsync(string source, string runId)
    {
        var location = new Uri(source);
        var prefix = location.AbsolutePath.Trim('/');
        var files = new (string Name, string Content)[]
        {
            ("data/model.pth", "weights\n"),
            ("requirements.txt", "mlflow==2.21.3\ntorch==2.5.1\n"),
            ("serving_input_example.json", ServingModels.ServingExample),
            ("MLmodel", "artifact_path: model\nflavors:\n  python_function:\n    data: data\n    loader_module: mlflow.pytorch\n    python_version: 3.10.16\n"
                + $"  pytorch:\n    model_data: data\nmlflow_version: 2.21.3\nmodel_uuid: {Guid.NewGuid():N}\nrun_id: {runId}\n"),
        };
        foreach (var (name, content) in files)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(content);
            using var stream = new MemoryStream(bytes);
            await minio.PutObjectAsync(new PutObjectArgs().WithBucket(location.Host).WithObject($"{prefix}/{name}")
                .WithStreamData(stream).WithObjectSize(bytes.Length).WithContentType("application/octet-stream"));
        }
    }

    public async Task WaitReadyAsync(string model, string version) =>
        await Eventually.HoldsAsync(async () => await StatusAsync(model, version) == "READY", $"{model} version {version} READY");

    public async Task<string?> StatusAsync(string model, string version)
    {
        var answer = await mlflow.GetAsync(Api + $"model-versions/get?name={Uri.EscapeDataString(model)}&version={version}");
        return answer.IsSuccessStatusCode
            ? (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("model_version").GetProperty("status").GetString()
            : null;
    }

    /// <summary>Moves an alias by hand, as a person in the MLflow UI.</summary>
    public Task SetAliasAsync(string model, string alias, string version) =>
        PostAsync("registered-models/alias", new { name = model, alias, version });

    public async Task<string?> AliasAsync(string model, string alias)
    {
        var answer = await mlflow.GetAsync(Api + $"registered-models/alias?name={Uri.EscapeDataString(model)}&alias={Uri.EscapeDataString(alias)}");
        return answer.IsSuccessStatusCode
            ? (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("model_version").GetProperty("version").GetString()
            : null;
    }

    public async Task DeleteAsync(string path)
    {
        using var answer = await mlflow.DeleteAsync(Api + path);
        answer.EnsureSuccessStatusCode();
    }

    public async Task DeleteAliasAsync(string model, string alias)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, Api + "registered-models/alias") { Content = JsonContent.Create(new { name = model, alias }) };
        using var answer = await mlflow.SendAsync(request);
        answer.EnsureSuccessStatusCode();
    }

    public async Task<JsonElement> PostAsync(string path, object body)
    {
        using var answer = await mlflow.PostAsJsonAsync(Api + path, body);
        var text = await answer.Content.ReadAsStringAsync();
        if (!answer.IsSuccessStatusCode)
            throw new InvalidOperationException($"MLflow {path} answered {(int)answer.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
