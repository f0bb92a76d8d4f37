using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Minio;
using Minio.DataModel.Args;

namespace Mlops.Flow.Benchmarks;

/// <summary>
/// Puts models in the sandbox's MLflow and MinIO as the TrainingCoordinator leaves them: a finished run tagged with its
/// flow and training, the model's files logged under the run's artifacts (MLmodel, weights, requirements, an input
/// example), and a READY version. Done before any clock starts.
/// </summary>
internal sealed class ModelRegistry(HttpClient mlflow, IMinioClient minio) : IDisposable
{
    private const string Api = "api/2.0/mlflow/";
    private const string InputExample = """{"inputs": [[[[0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4]], [[0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4]], [[0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4]]]]}""";

    public static ModelRegistry Create(Uri mlflowUrl, Uri s3Url, string accessKey, string secretKey) =>
        new(new HttpClient { BaseAddress = mlflowUrl, Timeout = TimeSpan.FromSeconds(30) },
            new MinioClient().WithEndpoint(s3Url.Host, s3Url.Port).WithCredentials(accessKey, secretKey).WithSSL(false).Build());

    /// <summary>Registers <paramref name="count"/> models named <paramref name="prefix"/>_00001…, version 1 each, a few at a time.</summary>
    public async Task<IReadOnlyList<RegisteredModel>> RegisterAsync(string prefix, int count, CancellationToken cancellationToken)
    {
        var experiment = await ExperimentAsync("bench", cancellationToken);
        var models = new RegisteredModel[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (i, token) => models[i] = await RegisterOneAsync(experiment, $"{prefix}_{i + 1:D5}", token));
        return models;
    }

    private async Task<RegisteredModel> RegisterOneAsync(string experiment, string model, CancellationToken cancellationToken)
    {
        var flow = Guid.NewGuid();
        var training = Guid.NewGuid();
        var run = (await PostAsync("runs/create", new
        {
            experiment_id = experiment,
            start_time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            tags = new[]
            {
                new { key = "mlops.flow_id", value = flow.ToString() },
                new { key = "mlops.training_id", value = training.ToString() },
                new { key = "mlops.stack", value = FlowBenchmark.StackName },
            },
        }, cancellationToken)).GetProperty("run").GetProperty("info");
        var runId = run.GetProperty("run_id").GetString()!;
        var source = run.GetProperty("artifact_uri").GetString()!.TrimEnd('/') + "/model";
        await PostAsync("runs/log-batch", new
        {
            run_id = runId,
            metrics = new[] { new { key = "accuracy", value = 0.91, timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), step = 0 } },
        }, cancellationToken);
        await LogModelAsync(source, runId, cancellationToken);
        await PostAsync("runs/update", new { run_id = runId, status = "FINISHED", end_time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, cancellationToken);
        await PostAsync("registered-models/create", new { name = model }, cancellationToken);
        var version = (await PostAsync("model-versions/create", new { name = model, source, run_id = runId }, cancellationToken))
            .GetProperty("model_version").GetProperty("version").GetString()!;
        await WaitReadyAsync(model, version, cancellationToken);
        return new RegisteredModel(model, version, runId, source, flow, training);
    }

    /// <summary>The files <c>mlflow.pytorch.log_model</c> writes, MLmodel last as MLflow uploads it.</summary>
    private async Task LogModelAsync(string source, string runId, CancellationToken cancellationToken)
    {
        var location = new Uri(source);
        var prefix = location.AbsolutePath.Trim('/');
        var files = new (string Name, string Content)[]
        {
            ("data/model.pth", "weights\n"),
            ("requirements.txt", "mlflow==2.21.3\ntorch==2.5.1\n"),
            ("input_example.json", InputExample),
            ("serving_input_example.json", InputExample),
            ("MLmodel", "artifact_path: model\nflavors:\n  python_function:\n    data: data\n    loader_module: mlflow.pytorch\n    python_version: 3.10.16\n"
                + $"  pytorch:\n    model_data: data\nmlflow_version: 2.21.3\nmodel_uuid: {Guid.NewGuid():N}\nrun_id: {runId}\n"),
        };
        foreach (var (name, content) in files)
        {
            var bytes = Encoding.UTF8.GetBytes(content);
            using var stream = new MemoryStream(bytes);
            await minio.PutObjectAsync(new PutObjectArgs().WithBucket(location.Host).WithObject($"{prefix}/{name}")
                .WithStreamData(stream).WithObjectSize(bytes.Length).WithContentType("application/octet-stream"), cancellationToken);
        }
    }

    private async Task<string> ExperimentAsync(string name, CancellationToken cancellationToken)
    {
        using var found = await mlflow.GetAsync(Api + "experiments/get-by-name?experiment_name=" + Uri.EscapeDataString(name), cancellationToken);
        if (found.IsSuccessStatusCode)
            return (await found.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("experiment").GetProperty("experiment_id").GetString()!;
        return (await PostAsync("experiments/create", new { name }, cancellationToken)).GetProperty("experiment_id").GetString()!;
    }

    private async Task WaitReadyAsync(string model, string version, CancellationToken cancellationToken)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var answer = await mlflow.GetAsync(Api + $"model-versions/get?name={Uri.EscapeDataString(model)}&version={version}", cancellationToken);
            var status = answer.IsSuccessStatusCode
                ? (await answer.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("model_version").GetProperty("status").GetString()
                : null;
            if (status == "READY")
                return;
            if (waited.Elapsed > TimeSpan.FromSeconds(60))
                throw new TimeoutException($"{model} version {version} is {status ?? "missing"} after 60 s, not READY");
            await Task.Delay(20, cancellationToken);
        }
    }

    private async Task<JsonElement> PostAsync(string path, object body, CancellationToken cancellationToken)
    {
        using var answer = await mlflow.PostAsJsonAsync(Api + path, body, cancellationToken);
        var text = await answer.Content.ReadAsStringAsync(cancellationToken);
        if (!answer.IsSuccessStatusCode)
            throw new InvalidOperationException($"MLflow {path} answered {(int)answer.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public void Dispose()
    {
        mlflow.Dispose();
        minio.Dispose();
    }
}
