using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Mlops.Sandbox.Cluster;
using Mlops.Sandbox.Kubernetes.Pods;

namespace Mlops.Sandbox.Programs;

/// <summary>
/// What <c>mlflow models serve</c> does before it listens, in its order: resolve the model URI through the tracking
/// server (<c>models:/name/version</c>, <c>models:/name/stage</c>, <c>models:/name/latest</c>, <c>models:/name@alias</c>,
/// <c>models:/m-&lt;id&gt;</c>, <c>runs:/id/path</c>, or a storage URI as it is), fetch <c>MLmodel</c> from S3 with
/// botocore, prepare the environment, download the model and import its flavour's library. Each cause of failure ends
/// in the error the real server prints. One rule is the sandbox's own: a registered version that is not READY is not served.
/// </summary>
public sealed class ModelLoader(ClusterAddresses cluster, ModelServerOptions options, TimeProvider time)
{
    private const int MaxModelFiles = 200;

    public async Task<LoadedModel> LoadAsync(ServeCommand command, ContainerLaunch launch, IReadOnlyDictionary<string, string?> libraries, CancellationToken cancellationToken)
    {
        var env = launch.Env;
        var tracking = MlflowTrackingClient.From(env, cluster, launch.Namespace);
        var (location, name, version) = await ResolveAsync(command.ModelUri, tracking, cancellationToken);
        var (bucket, root) = S3Location(location);

        var s3 = S3Of(libraries, env, launch.Namespace);
        var mlmodelKey = root.Length == 0 ? "MLmodel" : root + "/MLmodel";
        await s3.ListAsync(bucket, mlmodelKey + "/", cancellationToken);
        await s3.HeadAsync(bucket, mlmodelKey, cancellationToken);
        var mlmodel = MlmodelFile.Parse(Encoding.UTF8.GetString(await s3.GetAsync(bucket, mlmodelKey, cancellationToken)));
        if (!mlmodel.Flavors.Contains("python_function"))
            throw ProgramExitException.Python("Exception: No suitable flavor backend was found for the model.", "mlflow/models/cli.py", "_get_flavor_backend");
        Log(launch, "INFO mlflow.models.flavor_backend_registry: Selected backend for flavor 'python_function'");

        if (command.EnvManager != "local")
            await BuildEnvironmentAsync(command, launch, libraries, cancellationToken);

        var files = (await s3.ListAsync(bucket, root.Length == 0 ? "" : root + "/", cancellationToken)).Take(MaxModelFiles).ToList();
        foreach (var file in files)
        {
            await s3.HeadAsync(bucket, file, cancellationToken);
            await s3.GetAsync(bucket, file, cancellationToken);
        }
        // In the image's own Python (local env manager) the flavour's library must be there; a built environment installs it.
        if (command.EnvManager == "local")
        {
            foreach (var module in mlmodel.RequiredModules())
            {
                if (!libraries.ContainsKey(module))
                    throw ProgramExitException.Python(PythonErrors.ModuleNotFound(module), "mlflow/pyfunc/__init__.py", "load_model");
            }
        }
        await Task.Delay(options.LoadTime, time, cancellationToken);
        return new LoadedModel(command.ModelUri, location, mlmodel, name, version);
    }

    // Virtualenv needs the virtualenv package in the image, conda the conda binary; building then takes its time.
    private async Task BuildEnvironmentAsync(ServeCommand command, ContainerLaunch launch, IReadOnlyDictionary<string, string?> libraries, CancellationToken cancellationToken)
    {
        if (command.EnvManager is "virtualenv" && !libraries.ContainsKey("virtualenv"))
            throw ProgramExitException.Python("mlflow.exceptions.MlflowException: Could not find the virtualenv binary. Run `pip install virtualenv` to install virtualenv.",
                "mlflow/utils/virtualenv.py", "_validate_virtualenv_is_available");
        if (command.EnvManager is "conda" && !libraries.ContainsKey("conda"))
            throw ProgramExitException.Python("mlflow.exceptions.ExecutionException: Could not find Conda executable at conda. Ensure Conda is installed as per the instructions at https://conda.io/projects/conda/en/latest/user-guide/install/index.html. You can also configure MLflow to look for a specific Conda executable by setting the MLFLOW_CONDA_HOME environment variable to the path of the Conda executable",
                "mlflow/utils/conda.py", "get_conda_bin_executable");
        if (command.EnvManager is "uv" && !libraries.ContainsKey("uv"))
            throw ProgramExitException.Python("mlflow.exceptions.MlflowException: Could not find the uv binary.", "mlflow/utils/virtualenv.py", "_validate_uv_is_available");
        Log(launch, $"INFO mlflow.utils.virtualenv: Creating a new environment in /root/.mlflow/envs/mlflow-{Convert.ToHexStringLower(Encoding.UTF8.GetBytes(command.ModelUri))[..16]} with python version 3.10.16 using {command.EnvManager}");
        await Task.Delay(options.EnvironmentBuildTime, time, cancellationToken);
        Log(launch, "INFO mlflow.utils.virtualenv: Installing dependencies");
    }

    private static async Task<(string Location, string? Name, string? Version)> ResolveAsync(string modelUri, MlflowTrackingClient? tracking, CancellationToken cancellationToken)
    {
        if (modelUri.StartsWith("models:", StringComparison.Ordinal))
            return await ResolveModelsUriAsync(modelUri, tracking, cancellationToken);
        if (modelUri.StartsWith("runs:", StringComparison.Ordinal))
        {
            var rest = modelUri["runs:".Length..].TrimStart('/');
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            var runId = slash < 0 ? rest : rest[..slash];
            var path = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
            if (runId.Length == 0)
                throw ProgramExitException.Python($"mlflow.exceptions.MlflowException: Not a proper runs:/ URI: {modelUri}. Runs URIs must be of the form 'runs:/<run_id>/run-relative/path/to/artifact'",
                    "mlflow/store/artifact/runs_artifact_repo.py", "parse_runs_uri");
            if (tracking is null)
                throw LocalStoreMissing($"Run '{runId}' not found");
            var run = await tracking.GetAsync("runs/get", new Dictionary<string, string> { ["run_id"] = runId }, cancellationToken);
            var artifactUri = run["run"]?["info"]?["artifact_uri"]?.GetValue<string>() ?? "";
            return (path.Length == 0 ? artifactUri : $"{artifactUri.TrimEnd('/')}/{path}", null, null);
        }
        return (modelUri, null, null);
    }

    private static async Task<(string Location, string? Name, string? Version)> ResolveModelsUriAsync(string modelUri, MlflowTrackingClient? tracking, CancellationToken cancellationToken)
    {
        var path = modelUri["models:".Length..];
        if (!path.StartsWith('/') || path.Length <= 1)
            throw ImproperModelsUri(modelUri);
        var parts = path.TrimStart('/').Split('/');
        if (parts.Length > 2 || parts[0].Trim().Length == 0)
            throw ImproperModelsUri(modelUri);
        string name, version;
        JsonNode? versionInfo = null;
        if (parts.Length == 2)
        {
            name = parts[0];
            var suffix = parts[1];
            if (suffix.Trim().Length == 0)
                throw ImproperModelsUri(modelUri);
            if (tracking is null)
                throw LocalStoreMissing($"Registered Model with name={name} not found");
            if (suffix.All(char.IsAsciiDigit))
            {
                version = suffix;
            }
            else
            {
                var latest = suffix.Equals("latest", StringComparison.OrdinalIgnoreCase);
                var body = latest ? (object)new { name } : new { name, stages = new[] { suffix } };
                var versions = (await tracking.PostAsync("registered-models/get-latest-versions", body, cancellationToken))["model_versions"] as JsonArray ?? [];
                if (versions.Count == 0)
                    throw ProgramExitException.Python($"mlflow.exceptions.MlflowException: No versions of model with name '{name}'{(latest ? "" : $" and stage '{suffix}'")} found",
                        "mlflow/store/artifact/utils/models.py", "_get_latest_model_version");
                version = versions.Select(v => v?["version"]?.GetValue<string>() ?? "0").MaxBy(v => int.Parse(v, CultureInfo.InvariantCulture))!;
            }
        }
        else if (path.Contains('@', StringComparison.Ordinal))
        {
            var at = parts[0].LastIndexOf('@');
            if (at < 0 || parts[0][(at + 1)..].Trim().Length == 0)
                throw ImproperModelsUri(modelUri);
            name = parts[0][..at];
            if (tracking is null)
                throw LocalStoreMissing($"Registered Model with name={name} not found");
            versionInfo = (await tracking.GetAsync("registered-models/alias", new Dictionary<string, string> { ["name"] = name, ["alias"] = parts[0][(at + 1)..] }, cancellationToken))["model_version"];
            version = versionInfo?["version"]?.GetValue<string>() ?? "";
        }
        else
        {
            // MLflow 3: models:/<model_id> names a logged model.
            if (tracking is null)
                throw LocalStoreMissing($"Logged model with ID '{parts[0]}' not found.");
            var logged = await tracking.GetAsync($"logged-models/{Uri.EscapeDataString(parts[0])}", new Dictionary<string, string>(), cancellationToken);
            return (logged["model"]?["info"]?["artifact_uri"]?.GetValue<string>() ?? "", null, null);
        }

        var query = new Dictionary<string, string> { ["name"] = name, ["version"] = version };
        var location = (await tracking.GetAsync("model-versions/get-download-uri", query, cancellationToken))["artifact_uri"]?.GetValue<string>() ?? "";
        versionInfo ??= (await tracking.GetAsync("model-versions/get", query, cancellationToken))["model_version"];
        var status = versionInfo?["status"]?.GetValue<string>() ?? "READY";
        if (status != "READY")
            throw ProgramExitException.Python(
                $"mlflow.exceptions.MlflowException: Model version {version} of registered model '{name}' is {status}, not READY: only a READY version can be served{(versionInfo?["status_message"]?.GetValue<string>() is { Length: > 0 } why ? $" ({why})" : "")}",
                "mlflow/store/artifact/models_artifact_repo.py", "_get_model_uri_infos");
        return (location, name, version);
    }

    // Only S3 artifacts can be fetched here; a local path in the image does not exist.
    private static (string Bucket, string Root) S3Location(string location)
    {
        if (location.StartsWith("s3://", StringComparison.Ordinal))
        {
            var rest = location["s3://".Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            return slash < 0 ? (rest, "") : (rest[..slash], rest[(slash + 1)..].Trim('/'));
        }
        var local = location.StartsWith("file://", StringComparison.Ordinal) ? location["file://".Length..] : location;
        throw ProgramExitException.Python($"OSError: No such file or directory: '{local.TrimEnd('/')}/MLmodel'", "mlflow/store/artifact/local_artifact_repo.py", "download_artifacts");
    }

    private BotoS3Client S3Of(IReadOnlyDictionary<string, string?> libraries, IReadOnlyDictionary<string, string> env, string podNamespace)
    {
        if (!libraries.ContainsKey("boto3"))
            throw ProgramExitException.Python(PythonErrors.ModuleNotFound("boto3"), "mlflow/store/artifact/s3_artifact_repo.py", "_get_s3_client");
        return BotoS3Client.From(env, cluster, podNamespace, time);
    }

    private static ProgramExitException ImproperModelsUri(string uri) =>
        ProgramExitException.Python(
            $"mlflow.exceptions.MlflowException: Not a proper models:/ URI: {uri}. Models URIs must be of the form 'models:/model_name/suffix' or 'models:/model_name@alias' where suffix is a model version, stage, or the string 'latest' and where alias is a registered model alias. Only one of suffix or alias can be defined at a time.",
            "mlflow/store/artifact/utils/models.py", "_parse_model_uri");

    // Without MLFLOW_TRACKING_URI MLflow uses a local store in the container, which holds nothing.
    private static ProgramExitException LocalStoreMissing(string message) =>
        ProgramExitException.Python($"mlflow.exceptions.MlflowException: {message}", "mlflow/tracking/_tracking_service/utils.py", "_get_store");

    private void Log(ContainerLaunch launch, string line) =>
        launch.Log.WriteLine($"{time.GetUtcNow().UtcDateTime.ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture)} {line}");
}
