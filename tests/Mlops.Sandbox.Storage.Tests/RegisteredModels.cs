using System.Text;
using System.Text.Json;
using Minio.DataModel.Args;
using Mlops.Testing;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>Models logged and registered directly over MLflow's REST API and S3, as a training script leaves them.</summary>
public sealed class RegisteredModels(StorageSandbox sandbox)
{
    public const string PytorchMlmodel = "artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.pytorch\n  pytorch:\n    pytorch_version: 2.5.1\nmlflow_version: 2.21.3\n";

    /// <summary>A run with the model's files (MLmodel last) under its artifact URI's <c>model/</c>; returns (run id, artifact location).</summary>
    public async Task<(string RunId, string Location)> LogAsync(string mlmodel = PytorchMlmodel, bool upload = true)
    {
        using var http = sandbox.MlflowClient();
        var run = (await http.OkAsync(HttpMethod.Post, "runs/create", new { experiment_id = "0" })).GetProperty("run").GetProperty("info");
        var location = run.Text("artifact_uri") + "/model";
        if (upload)
            await UploadAsync(location, mlmodel + $"model_uuid: {Guid.NewGuid():N}\n");
        return (run.Text("run_id"), location);
    }

    /// <summary>Bucket <c>mlflow</c>, MLflow's artifact root, as the product provisions it.</summary>
    public async Task EnsureBucketAsync()
    {
        using var minio = sandbox.MinioClient();
        if (!await minio.BucketExistsAsync(new BucketExistsArgs().WithBucket("mlflow")))
            await minio.MakeBucketAsync(new MakeBucketArgs().WithBucket("mlflow"));
    }

    public async Task UploadAsync(string location, string mlmodel)
    {
        var prefix = location["s3://mlflow/".Length..];
        await EnsureBucketAsync();
        using var minio = sandbox.MinioClient();
        foreach (var (name, content) in new[] { ("data/model.pth", "weights"), ("requirements.txt", "torch==2.5.1\n"), ("MLmodel", mlmodel) })
        {
            var bytes = Encoding.UTF8.GetBytes(content);
            using var stream = new MemoryStream(bytes);
            await minio.PutObjectAsync(new PutObjectArgs().WithBucket("mlflow").WithObject($"{prefix}/{name}").WithStreamData(stream).WithObjectSize(bytes.Length));
        }
    }

    /// <summary>A registered model with one version of <paramref name="source"/>, waited for until it leaves PENDING_REGISTRATION.</summary>
    public async Task<string> RegisterAsync(string source, string runId, bool failRegistration = false, string? name = null)
    {
        using var http = sandbox.MlflowClient();
        name ??= $"cnn_classifier_{Guid.NewGuid():N}"[..24];
        var (status, _) = await http.CallAsync(HttpMethod.Post, "registered-models/create", new { name });
        Assert.True(status is 200 or 400);
        var tags = failRegistration ? new[] { new { key = "sandbox.fail_registration", value = "true" } } : [];
        var version = (await http.OkAsync(HttpMethod.Post, "model-versions/create", new { name, source, run_id = runId, tags })).GetProperty("model_version").Text("version");
        await Eventually.HoldsAsync(async () =>
            (await http.OkAsync(HttpMethod.Get, $"model-versions/get?name={name}&version={version}")).GetProperty("model_version").Text("status") != "PENDING_REGISTRATION",
            "the version to leave PENDING_REGISTRATION");
        return name;
    }

    public async Task<string> LoggedAndRegisteredAsync()
    {
        var (runId, location) = await LogAsync();
        return await RegisterAsync(location, runId);
    }

    public static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;
}
