using System.Globalization;
using System.Text;
using Minio;
using Minio.DataModel.Args;
using Minio.Exceptions;
using Mlops.Sandbox.Kubernetes.Controllers;
using Mlops.Sandbox.Minio;
using Mlops.Sandbox.Mlflow;

namespace Mlops.Sandbox.Training;

/// <summary>
/// Acts out the training script when the Kubernetes stand-in finishes a training Job: joins the MLflow run named by
/// <c>MLFLOW_RUN_ID</c> (or starts one), logs params and metrics, uploads the model to the s3 stand-in through its
/// proxy with <c>MLmodel</c> last (so MinIO's notifications fire), and registers a version when asked.
/// </summary>
public sealed class TrainingJobHook(MlflowStandIn mlflow, MinioStandIn s3) : IJobCompletionHook
{
    private static readonly TimeSpan UploadTimeout = TimeSpan.FromSeconds(20);

    public async Task<JobVerdict?> OnJobFinishingAsync(JobCompletion job, CancellationToken cancellationToken)
    {
        var request = TrainingRequest.From(job);
        if (request is null || !job.Planned.Succeeded)
            return null;
        var server = mlflow.Server;
        Run run;
        try
        {
            run = JoinOrStartRun(server.Tracking, request);
        }
        catch (MlflowException ex)
        {
            return JobVerdict.Failed($"mlflow.exceptions.RestException: {ex.ErrorCode}: {ex.Message}");
        }

        var accuracy = request.Accuracy ?? Math.Round(0.90 + (0.05 * Math.Min(1, request.Epochs / 10.0)), 4);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        server.Tracking.LogBatch(run.RunId, Metrics(request, accuracy, now), new Dictionary<string, string>
        {
            ["learning_rate"] = request.LearningRate.ToString(CultureInfo.InvariantCulture),
            ["epochs"] = request.Epochs.ToString(CultureInfo.InvariantCulture),
            ["arch"] = request.Arch,
        }, []);

        if (request.Fail)
        {
            server.Tracking.UpdateRun(run.RunId, "FAILED", null, null);
            return JobVerdict.Failed("Training failed: the job asked to fail (--sandbox-fail)");
        }

        // The SDK retries on its own; a real training pod would give up too rather than hang its Job.
        using var uploadDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        uploadDeadline.CancelAfter(UploadTimeout);
        try
        {
            await UploadModelAsync(run, request, uploadDeadline.Token);
        }
        catch (Exception ex) when (ex is MinioException or HttpRequestException or InvalidOperationException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            server.Tracking.UpdateRun(run.RunId, "FAILED", null, null);
            var reason = ex is OperationCanceledException ? $"no answer within {UploadTimeout.TotalSeconds:0} s" : ex.Message;
            return JobVerdict.Failed($"Uploading the model to {run.ArtifactUri} failed: {reason}");
        }

        if (request.RegisteredModelName is { } modelName)
        {
            try
            {
                server.Registry.CreateRegisteredModel(modelName, new Dictionary<string, string>(), null);
            }
            catch (MlflowException ex) when (ex.ErrorCode == MlflowErrorCode.ResourceAlreadyExists)
            {
                // mlflow.register_model reuses an existing registered model.
            }
            var tags = new Dictionary<string, string>();
            if (request.FailRegistration)
                tags[ModelRegistry.FailRegistrationTag] = "true";
            server.Registry.CreateModelVersion(modelName, $"{run.ArtifactUri}/model", run.RunId, tags, null, null);
        }
        server.Tracking.UpdateRun(run.RunId, "FINISHED", null, null);
        return JobVerdict.Complete();
    }

    private static Run JoinOrStartRun(TrackingStore tracking, TrainingRequest request)
    {
        if (request.Env.GetValueOrDefault("MLFLOW_RUN_ID") is { Length: > 0 } runId)
        {
            tracking.UpdateRun(runId, "RUNNING", null, null);
            return tracking.GetRun(runId);
        }
        var experimentId = request.Env.GetValueOrDefault("MLFLOW_EXPERIMENT_ID") is { Length: > 0 } id ? id
            : request.Env.GetValueOrDefault("MLFLOW_EXPERIMENT_NAME") is { Length: > 0 } name ? ExperimentNamed(tracking, name)
            : "0";
        return tracking.CreateRun(experimentId, null, "sandbox", null, new Dictionary<string, string> { ["mlflow.source.name"] = "train.py" });
    }

    private static string ExperimentNamed(TrackingStore tracking, string name)
    {
        try
        {
            return tracking.GetExperimentByName(name).ExperimentId;
        }
        catch (MlflowException ex) when (ex.ErrorCode == MlflowErrorCode.ResourceDoesNotExist)
        {
            return tracking.CreateExperiment(name, null, new Dictionary<string, string>()).ExperimentId;
        }
    }

    // Losses fall and accuracy rises over the epochs; the last epoch reports the requested accuracy.
    private static List<Metric> Metrics(TrainingRequest request, double accuracy, long now)
    {
        var metrics = new List<Metric>();
        for (var epoch = 0; epoch < request.Epochs; epoch++)
        {
            var progress = (epoch + 1.0) / request.Epochs;
            metrics.Add(new Metric("train_loss", Math.Round(1.2 * (1 - (0.8 * progress)), 4), now + epoch, epoch));
            metrics.Add(new Metric("validation_loss", Math.Round(1.3 * (1 - (0.75 * progress)), 4), now + epoch, epoch));
            metrics.Add(new Metric("accuracy", Math.Round(accuracy * (0.6 + (0.4 * progress)), 4), now + epoch, epoch));
        }
        return metrics;
    }

    private async Task UploadModelAsync(Run run, TrainingRequest request, CancellationToken cancellationToken)
    {
        var location = new Uri(run.ArtifactUri);
        if (location.Scheme != "s3")
            throw new InvalidOperationException($"artifact URI {run.ArtifactUri} is not on S3");
        var accessKey = request.Env.GetValueOrDefault("AWS_ACCESS_KEY_ID")
            ?? throw new InvalidOperationException("Unable to locate credentials: AWS_ACCESS_KEY_ID is not set");
        var secretKey = request.Env.GetValueOrDefault("AWS_SECRET_ACCESS_KEY")
            ?? throw new InvalidOperationException("Unable to locate credentials: AWS_SECRET_ACCESS_KEY is not set");
        var bucket = location.Host;
        var prefix = $"{location.AbsolutePath.Trim('/')}/model/";
        using var client = new MinioClient()
            .WithEndpoint(s3.Url.Host, s3.Url.Port)
            .WithCredentials(accessKey, secretKey)
            .WithRegion("us-east-1")
            .Build();
        // MLflow writes the model's files first and MLmodel last, so MLmodel's arrival means the model is complete.
        foreach (var (name, content) in ModelFiles(run, request))
        {
            var bytes = Encoding.UTF8.GetBytes(content);
            using var stream = new MemoryStream(bytes);
            await client.PutObjectAsync(new PutObjectArgs()
                .WithBucket(bucket)
                .WithObject(prefix + name)
                .WithStreamData(stream)
                .WithObjectSize(bytes.Length)
                .WithContentType("application/octet-stream"), cancellationToken);
        }
    }

    private static IEnumerable<(string Name, string Content)> ModelFiles(Run run, TrainingRequest request)
    {
        yield return ("data/model.pth", $"sandbox weights: arch={request.Arch} epochs={request.Epochs} lr={request.LearningRate.ToString(CultureInfo.InvariantCulture)}\n");
        yield return ("requirements.txt", "mlflow==2.21.3\ntorch==2.5.1\ntorchvision==0.20.1\n");
        yield return ("conda.yaml", "channels:\n- conda-forge\ndependencies:\n- python=3.11\n- pip\n- pip:\n  - mlflow==2.21.3\n  - torch==2.5.1\nname: mlflow-env\n");
        yield return ("python_env.yaml", "python: 3.11\nbuild_dependencies:\n- pip\ndependencies:\n- -r requirements.txt\n");
        yield return ("MLmodel",
            "artifact_path: model\n" +
            "flavors:\n" +
            "  python_function:\n    data: data\n    env:\n      conda: conda.yaml\n      virtualenv: python_env.yaml\n    loader_module: mlflow.pytorch\n    python_version: 3.11\n" +
            "  pytorch:\n    code: null\n    model_data: data\n    pytorch_version: 2.5.1\n" +
            "mlflow_version: 2.21.3\n" +
            $"model_uuid: {Guid.NewGuid():N}\n" +
            $"run_id: {run.RunId}\n" +
            $"utc_time_created: '{DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}'\n");
    }
}
