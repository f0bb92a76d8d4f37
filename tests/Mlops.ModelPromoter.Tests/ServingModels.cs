using System.Text;
using Minio.DataModel.Args;
using Mlops.Clients.Mlflow;
using Mlops.Clients.Mlflow.Model;
using Mlops.Testing;
using Refit;

namespace Mlops.ModelPromoter.Tests;

/// <summary>
/// Logs a model as <c>mlflow.pytorch.log_model</c> writes it (MLmodel with the python_function and pytorch flavours,
/// weights, input examples) under a run's artifacts in the sandbox's S3, and registers a READY version of it.
/// </summary>
public static class ServingModels
{
    /// <summary>What the training writes as its serving example: one 3×4×4 tensor.</summary>
    public const string ServingExample = """{"inputs": [[[[0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4]], [[0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4]], [[0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4]]]]}""";

    public static async Task<RegisteredVersion> RegisterAsync(ServingCluster cluster, string modelName, bool withExamples = true, string flavor = "pytorch")
    {
        var mlflow = cluster.Mlflow;
        var run = (await mlflow.CreateRunAsync(new CreateRunRequest { ExperimentId = "0" })).Run;
        var runId = run.Info.RunId;
        var location = $"{run.Info.ArtifactUri!.TrimEnd('/')}/model";
        var prefix = location["s3://mlflow/".Length..];
        var files = new List<(string Name, string Content)>
        {
            ("data/model.pth", $"weights of {modelName}\n"),
            ("requirements.txt", "mlflow==2.21.3\ntorch==2.5.1\n"),
        };
        if (withExamples)
        {
            files.Add(("input_example.json", ServingExample));
            files.Add(("serving_input_example.json", ServingExample));
        }
        files.Add(("MLmodel",
            "artifact_path: model\nflavors:\n  python_function:\n    data: data\n    loader_module: mlflow." + flavor + "\n    python_version: 3.10.16\n" +
            $"  {flavor}:\n    model_data: data\nmlflow_version: 2.21.3\nmodel_uuid: {Guid.NewGuid():N}\nrun_id: {runId}\n"));
        foreach (var (name, content) in files)
        {
            var bytes = Encoding.UTF8.GetBytes(content);
            using var stream = new MemoryStream(bytes);
            await cluster.Sandbox.Minio.PutObjectAsync(new PutObjectArgs().WithBucket("mlflow").WithObject($"{prefix}/{name}")
                .WithStreamData(stream).WithObjectSize(bytes.Length).WithContentType("application/octet-stream"));
        }
        try
        {
            await mlflow.CreateRegisteredModelAsync(new CreateRegisteredModelRequest { Name = modelName });
        }
        catch (ApiException ex) when (ex.Is(MlflowErrorCode.ResourceAlreadyExists))
        {
        }
        var version = (await mlflow.CreateModelVersionAsync(new CreateModelVersionRequest { Name = modelName, Source = location, RunId = runId })).ModelVersion.Version;
        await Eventually.HoldsAsync(async () => (await mlflow.FindModelVersionAsync(modelName, version))?.IsReady == true, $"{modelName} version {version} READY");
        return new RegisteredVersion(modelName, version, runId, location, Guid.NewGuid());
    }
}
