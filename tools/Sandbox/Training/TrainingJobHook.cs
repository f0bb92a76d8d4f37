using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Mlops.Sandbox.Cluster;
using Mlops.Sandbox.Kubernetes.Controllers;
using Mlops.Sandbox.Kubernetes.Pods;
using Mlops.Sandbox.Programs;

namespace Mlops.Sandbox.Training;

/// <summary>
/// Acts out the training script when the Kubernetes stand-in finishes a training Job, with the container's env as the
/// script sees it: through the cluster's addresses it reaches <c>MLFLOW_TRACKING_URI</c> (MLflow's REST API) and the S3
/// endpoint of <c>MLFLOW_S3_ENDPOINT_URL</c>/<c>AWS_ENDPOINT_URL</c> (requests signed with the env's AWS keys), joins the
/// run <c>MLFLOW_RUN_ID</c> (or starts one), logs params and per-epoch metrics, logs the model as MLflow does (MLmodel
/// last, so MinIO's notification fires when the model is complete), registers a version when asked and ends the run.
/// It writes the script's output to the pod log; an unreachable address or refused credential fails the Job
/// (BackoffLimitExceeded) with the error as the log's last line, which the Job's failure message repeats.
/// </summary>
public sealed class TrainingJobHook(ClusterAddresses cluster, TimeProvider? time = null) : IJobCompletionHook
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<JobVerdict?> OnJobFinishingAsync(JobCompletion job, CancellationToken cancellationToken)
    {
        TrainingRequest? request;
        try
        {
            request = TrainingRequest.From(job);
        }
        catch (ProgramExitException usage)
        {
            return Fail(job.Log, usage);
        }
        if (request is null || !job.Planned.Succeeded)
            return null;
        var log = job.Log;
        var podNamespace = job.Job.Metadata?.NamespaceProperty ?? "default";
        var tracking = MlflowTrackingClient.From(request.Env, cluster, podNamespace);
        string? runId = null;
        try
        {
            if (tracking is null)
                return TrainLocally(log, request);
            var run = await JoinOrStartRunAsync(tracking, request, cancellationToken);
            runId = run["info"]!["run_id"]!.GetValue<string>();
            var experimentId = run["info"]!["experiment_id"]!.GetValue<string>();
            await TrainAsync(tracking, log, request, runId, cancellationToken);
            if (request.Fail)
                throw new ProgramExitException("RuntimeError: training failed: the job asked to fail (--sandbox-fail)", 1,
                    ["Traceback (most recent call last):", "  File \"/app/train.py\", line 88, in <module>", "    train(args)"]);

            var source = await LogModelAsync(tracking, log, request, run, podNamespace, cancellationToken);
            if (request.RegisteredModelName is { } modelName)
                await RegisterAsync(tracking, log, request, modelName, source, runId, cancellationToken);
            await tracking.PostAsync("runs/update", new { run_id = runId, status = "FINISHED", end_time = Now() }, cancellationToken);
            log.WriteLine($"🏃 View run at: {tracking.TrackingUri.ToString().TrimEnd('/')}/#/experiments/{experimentId}/runs/{runId}");
            return JobVerdict.Complete();
        }
        catch (ProgramExitException failure)
        {
            if (tracking is not null && runId is not null)
                await EndRunFailedAsync(tracking, runId);
            return Fail(log, failure);
        }
    }

    // Without MLFLOW_TRACKING_URI MLflow logs to ./mlruns inside the pod: nothing reaches the tracking server.
    private static JobVerdict TrainLocally(IContainerLog log, TrainingRequest request)
    {
        if (request.Env.GetValueOrDefault("MLFLOW_RUN_ID") is { Length: > 0 } runId)
            return Fail(log, new ProgramExitException($"mlflow.exceptions.MlflowException: Run '{runId}' not found", 1, ["Traceback (most recent call last):", "  File \"/app/train.py\", line 61, in <module>", "    with mlflow.start_run():"]));
        foreach (var line in EpochLines(request, FinalAccuracy(request)))
            log.WriteLine(line);
        return JobVerdict.Complete();
    }

    private static JobVerdict Fail(IContainerLog log, ProgramExitException failure)
    {
        foreach (var line in failure.Lines())
            log.WriteLine(line);
        return JobVerdict.Failed($"Job has reached the specified backoff limit; the pod's log ends: {failure.Message}");
    }

    private static async Task<JsonObject> JoinOrStartRunAsync(MlflowTrackingClient tracking, TrainingRequest request, CancellationToken cancellationToken)
    {
        if (request.Env.GetValueOrDefault("MLFLOW_RUN_ID") is { Length: > 0 } runId)
        {
            await tracking.PostAsync("runs/update", new { run_id = runId, status = "RUNNING" }, cancellationToken);
            return (JsonObject)(await tracking.GetAsync("runs/get", new Dictionary<string, string> { ["run_id"] = runId }, cancellationToken))["run"]!;
        }
        var experimentId = request.Env.GetValueOrDefault("MLFLOW_EXPERIMENT_ID") is { Length: > 0 } id ? id
            : request.Env.GetValueOrDefault("MLFLOW_EXPERIMENT_NAME") is { Length: > 0 } name ? await ExperimentNamedAsync(tracking, name, cancellationToken)
            : "0";
        var created = await tracking.PostAsync("runs/create", new
        {
            experiment_id = experimentId,
            start_time = Now(),
            tags = new[] { new { key = "mlflow.source.name", value = "train.py" }, new { key = "mlflow.source.type", value = "LOCAL" } },
        }, cancellationToken);
        return (JsonObject)created["run"]!;
    }

    private static async Task<string> ExperimentNamedAsync(MlflowTrackingClient tracking, string name, CancellationToken cancellationToken)
    {
        try
        {
            var found = await tracking.GetAsync("experiments/get-by-name", new Dictionary<string, string> { ["experiment_name"] = name }, cancellationToken);
            return found["experiment"]!["experiment_id"]!.GetValue<string>();
        }
        catch (ProgramExitException missing) when (missing.Message.Contains("RESOURCE_DOES_NOT_EXIST", StringComparison.Ordinal))
        {
            return (await tracking.PostAsync("experiments/create", new { name }, cancellationToken))["experiment_id"]!.GetValue<string>();
        }
    }

    private async Task TrainAsync(MlflowTrackingClient tracking, IContainerLog log, TrainingRequest request, string runId, CancellationToken cancellationToken)
    {
        var accuracy = FinalAccuracy(request);
        var now = Now();
        var metrics = new JsonArray();
        for (var epoch = 0; epoch < request.Epochs; epoch++)
        {
            var (trainLoss, validationLoss, epochAccuracy) = EpochMetrics(request, accuracy, epoch);
            metrics.Add(Metric("train_loss", trainLoss, now + epoch, epoch));
            metrics.Add(Metric("validation_loss", validationLoss, now + epoch, epoch));
            metrics.Add(Metric("accuracy", epochAccuracy, now + epoch, epoch));
        }
        log.WriteLine($"{Stamp()} INFO train: training {request.Arch} for {request.Epochs} epochs (learning rate {request.LearningRate.ToString(CultureInfo.InvariantCulture)})");
        foreach (var line in EpochLines(request, accuracy))
            log.WriteLine(line);
        await tracking.PostAsync("runs/log-batch", new JsonObject
        {
            ["run_id"] = runId,
            ["metrics"] = metrics,
            ["params"] = new JsonArray(
                Param("learning_rate", request.LearningRate.ToString(CultureInfo.InvariantCulture)),
                Param("epochs", request.Epochs.ToString(CultureInfo.InvariantCulture)),
                Param("arch", request.Arch)),
        }, cancellationToken);
    }

    // MLflow 2: artifacts under the run's artifact URI at model/; MLflow 3: a logged model with its own location.
    private async Task<string> LogModelAsync(MlflowTrackingClient tracking, IContainerLog log, TrainingRequest request, JsonObject run, string podNamespace,
        CancellationToken cancellationToken)
    {
        var runId = run["info"]!["run_id"]!.GetValue<string>();
        string location, source;
        string? modelId = null;
        if (request.LoggedModel)
        {
            var created = await tracking.PostAsync("logged-models", new
            {
                experiment_id = run["info"]!["experiment_id"]!.GetValue<string>(),
                name = "model",
                source_run_id = runId,
                model_type = "pytorch",
            }, cancellationToken);
            modelId = created["model"]!["info"]!["model_id"]!.GetValue<string>();
            location = created["model"]!["info"]!["artifact_uri"]!.GetValue<string>();
            source = $"models:/{modelId}";
        }
        else
        {
            location = $"{run["info"]!["artifact_uri"]!.GetValue<string>().TrimEnd('/')}/model";
            source = location;
        }
        if (!location.StartsWith("s3://", StringComparison.Ordinal))
            throw new ProgramExitException($"mlflow.exceptions.MlflowException: The sandbox's training stores artifacts on S3 only; the artifact location is {location}");
        var (bucket, prefix) = (location["s3://".Length..].Split('/', 2)[0], location["s3://".Length..].Split('/', 2).ElementAtOrDefault(1)?.Trim('/') ?? "");
        // An upload that gets no answer ends with botocore's ReadTimeoutError after its attempts (BotoS3Client), never hangs.
        var s3 = BotoS3Client.From(request.Env, cluster, podNamespace, _time);
        foreach (var (name, content) in ModelFiles(request, runId, modelId))
        {
            var key = prefix.Length == 0 ? name : $"{prefix}/{name}";
            var bytes = Encoding.UTF8.GetBytes(content);
            if (name == "MLmodel" && request.MultipartMlmodel)
                await s3.PutInPartsAsync(bucket, key, bytes, 1, "application/octet-stream", cancellationToken);
            else
                await s3.PutAsync(bucket, key, bytes, name.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "application/octet-stream", cancellationToken);
        }
        if (modelId is not null)
            await tracking.PatchAsync($"logged-models/{modelId}", new { model_id = modelId, status = "LOGGED_MODEL_READY" }, cancellationToken);
        log.WriteLine($"{Stamp()} INFO mlflow.models.model: Model logged to {location}");
        return source;
    }

    private static async Task RegisterAsync(MlflowTrackingClient tracking, IContainerLog log, TrainingRequest request, string modelName, string source, string runId, CancellationToken cancellationToken)
    {
        try
        {
            await tracking.PostAsync("registered-models/create", new { name = modelName }, cancellationToken);
            log.WriteLine($"Successfully registered model '{modelName}'.");
        }
        catch (ProgramExitException exists) when (exists.Message.Contains("RESOURCE_ALREADY_EXISTS", StringComparison.Ordinal))
        {
            log.WriteLine($"Registered model '{modelName}' already exists. Creating a new version of this model...");
        }
        var tags = request.FailRegistration ? new[] { new { key = Mlflow.ModelRegistry.FailRegistrationTag, value = "true" } } : [];
        var created = await tracking.PostAsync("model-versions/create", new { name = modelName, source, run_id = runId, tags }, cancellationToken);
        log.WriteLine($"Created version '{created["model_version"]?["version"]}' of model '{modelName}'.");
    }

    private static async Task EndRunFailedAsync(MlflowTrackingClient tracking, string runId)
    {
        try
        {
            await tracking.PostAsync("runs/update", new { run_id = runId, status = "FAILED", end_time = Now() }, CancellationToken.None);
        }
        catch (ProgramExitException)
        {
            // MLflow's end_run in a crashing script may not reach the server either.
        }
    }

    private static double FinalAccuracy(TrainingRequest request) =>
        request.Accuracy ?? Math.Round(0.90 + (0.05 * Math.Min(1, request.Epochs / 10.0)), 4);

    // Losses fall and accuracy rises over the epochs; the last epoch reports the final accuracy.
    private static (double TrainLoss, double ValidationLoss, double Accuracy) EpochMetrics(TrainingRequest request, double accuracy, int epoch)
    {
        var progress = (epoch + 1.0) / request.Epochs;
        return (Math.Round(1.2 * (1 - (0.8 * progress)), 4), Math.Round(1.3 * (1 - (0.75 * progress)), 4), Math.Round(accuracy * (0.6 + (0.4 * progress)), 4));
    }

    private static IEnumerable<string> EpochLines(TrainingRequest request, double accuracy)
    {
        for (var epoch = 0; epoch < request.Epochs; epoch++)
        {
            var (trainLoss, validationLoss, epochAccuracy) = EpochMetrics(request, accuracy, epoch);
            yield return string.Create(CultureInfo.InvariantCulture,
                $"Epoch {epoch + 1}/{request.Epochs} - train_loss: {trainLoss:0.0000} - validation_loss: {validationLoss:0.0000} - accuracy: {epochAccuracy:0.0000}");
        }
    }

    // What mlflow.pytorch.log_model writes (MLflow 2.21 layout), MLmodel last.
    private IEnumerable<(string Name, string Content)> ModelFiles(TrainingRequest request, string runId, string? modelId)
    {
        var example = InputExample.Json();
        yield return ("data/model.pth", $"sandbox weights: arch={request.Arch} epochs={request.Epochs} lr={request.LearningRate.ToString(CultureInfo.InvariantCulture)}\n");
        yield return ("data/pickle_module_info.txt", "mlflow.pytorch.pickle_module\n");
        yield return ("requirements.txt", "mlflow==2.21.3\ntorch==2.5.1\ntorchvision==0.20.1\n");
        yield return ("conda.yaml", "channels:\n- conda-forge\ndependencies:\n- python=3.10.16\n- pip\n- pip:\n  - mlflow==2.21.3\n  - torch==2.5.1\nname: mlflow-env\n");
        yield return ("python_env.yaml", "python: 3.10.16\nbuild_dependencies:\n- pip\ndependencies:\n- -r requirements.txt\n");
        yield return ("input_example.json", example);
        // Already an /invocations payload: the tensor in TF-serving form, as MLflow writes it for ndarray examples.
        yield return ("serving_input_example.json", example);
        yield return ("MLmodel",
            (modelId is null ? "artifact_path: model\n" : "artifact_path: " + $"{modelId}\n") +
            "flavors:\n" +
            "  python_function:\n    data: data\n    env:\n      conda: conda.yaml\n      virtualenv: python_env.yaml\n    loader_module: mlflow.pytorch\n    pickle_module_name: mlflow.pytorch.pickle_module\n    python_version: 3.10.16\n" +
            "  pytorch:\n    code: null\n    model_data: data\n    pytorch_version: 2.5.1\n" +
            (modelId is null ? "mlflow_version: 2.21.3\n" : "mlflow_version: 3.1.0\n") +
            (modelId is null ? "" : $"model_id: {modelId}\n") +
            $"model_uuid: {Guid.NewGuid():N}\n" +
            $"run_id: {runId}\n" +
            "saved_input_example_info:\n  artifact_path: input_example.json\n  format: tf-serving\n  serving_input_path: serving_input_example.json\n  type: ndarray\n" +
            "signature:\n" +
            "  inputs: '[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float32\", \"shape\": [-1, 3, 4, 4]}}]'\n" +
            "  outputs: '[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float32\", \"shape\": [-1, 10]}}]'\n" +
            "  params: null\n" +
            $"utc_time_created: '{_time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}'\n");
    }

    private static JsonObject Metric(string key, double value, long timestamp, long step) =>
        new() { ["key"] = key, ["value"] = value, ["timestamp"] = timestamp, ["step"] = step };

    private static JsonObject Param(string key, string value) => new() { ["key"] = key, ["value"] = value };

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private string Stamp() => _time.GetUtcNow().UtcDateTime.ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture);
}
