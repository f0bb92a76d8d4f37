using System.Text.Json;
using Mlops.Sandbox.Kubernetes.Pods;
using Mlops.Sandbox.Programs;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>
/// <c>mlflow models serve</c> as a container program: it serves only what the registry and S3 let it load, answers as
/// MLflow's scoring server, and otherwise exits with the error the real server prints.
/// </summary>
public sealed class ModelServerProgramTests(StorageSandbox sandbox) : IClassFixture<StorageSandbox>
{
    private readonly RegisteredModels _models = new(sandbox);

    private ModelServerProgram Program => sandbox.Host.Context.ContainerPrograms.OfType<ModelServerProgram>().Single();

    public sealed class When_the_version_is_ready(StorageSandbox sandbox) : IClassFixture<StorageSandbox>
    {
        private readonly RegisteredModels _models = new(sandbox);

        private ModelServerProgram Program => sandbox.Host.Context.ContainerPrograms.OfType<ModelServerProgram>().Single();

        [Fact]
        public async Task Should_listen_only_once_loaded_and_then_answer_health_ping_and_version()
        {
            var name = await _models.LoggedAndRegisteredAsync();
            var log = new CapturedLog();

            await using var process = Program.Start(Containers.ModelServer($"models:/{name}/1", log))!;
            var whileLoading = await Containers.GetAsync(process, "/health");
            await Containers.ReadyAsync(process, log);

            Assert.Null(whileLoading);
            Assert.Equal("\n", Containers.Text((await Containers.GetAsync(process, "/ping"))!));
            Assert.Equal("2.21.3", Containers.Text((await Containers.GetAsync(process, "/version"))!));
            Assert.Equal(200, (await process.HandleAsync(new ContainerRequest(5001, "HEAD", "/health", null, ReadOnlyMemory<byte>.Empty), CancellationToken.None))!.StatusCode);
            Assert.Null(await Containers.GetAsync(process, "/health", port: 5000));
            Assert.Contains(log.Lines, l => l.EndsWith("[INFO] Listening at: http://0.0.0.0:5001 (1)", StringComparison.Ordinal));
            Assert.False(process.Exited.IsCompleted);
        }

        [Theory]
        [InlineData("application/json", "{\"dataframe_split\": {\"columns\": [\"a\", \"b\"], \"data\": [[1, 2], [3, 4], [5, 6]]}}", 3)]
        [InlineData("application/json", "{\"dataframe_records\": [{\"a\": 1, \"b\": 2}, {\"a\": 3, \"b\": 4}]}", 2)]
        [InlineData("application/json", "{\"instances\": [[0.1, 0.2], [0.3, 0.4]]}", 2)]
        [InlineData("application/json; charset=utf-8", "{\"inputs\": [[[0.1, 0.2, 0.3]]]}", 1)]
        [InlineData("text/csv", "a,b\n1,2\n3,4\n5,6\n7,8\n", 4)]
        public async Task Should_predict_one_row_of_class_scores_per_input_row(string contentType, string body, int rows)
        {
            var name = await _models.LoggedAndRegisteredAsync();
            var log = new CapturedLog();
            await using var process = Program.Start(Containers.ModelServer($"models:/{name}/1", log))!;
            await Containers.ReadyAsync(process, log);

            var first = (await Containers.PostAsync(process, "/invocations", contentType, body))!;
            var again = (await Containers.PostAsync(process, "/invocations", contentType, body))!;

            Assert.Equal((200, "application/json"), (first.StatusCode, first.ContentType));
            var predictions = RegisteredModels.Json(Containers.Text(first)).GetProperty("predictions");
            Assert.Equal(rows, predictions.GetArrayLength());
            Assert.All(predictions.EnumerateArray(), p => Assert.Equal(10, p.GetArrayLength()));
            Assert.Equal(Containers.Text(first), Containers.Text(again));
        }

        [Fact]
        public async Task Should_give_another_version_other_predictions_for_the_same_input()
        {
            var (runId, location) = await _models.LogAsync();
            var name = await _models.RegisterAsync(location, runId);
            var (otherRun, otherLocation) = await _models.LogAsync();
            await _models.RegisterAsync(otherLocation, otherRun, name: name);
            var (log1, log2) = (new CapturedLog(), new CapturedLog());
            await using var one = Program.Start(Containers.ModelServer($"models:/{name}/1", log1))!;
            await using var two = Program.Start(Containers.ModelServer($"models:/{name}/2", log2))!;
            await Containers.ReadyAsync(one, log1);
            await Containers.ReadyAsync(two, log2);
            const string input = "{\"inputs\": [[1.0, 2.0]]}";

            var fromOne = Containers.Text((await Containers.PostAsync(one, "/invocations", "application/json", input))!);
            var fromTwo = Containers.Text((await Containers.PostAsync(two, "/invocations", "application/json", input))!);

            Assert.NotEqual(fromOne, fromTwo);
        }

        [Fact]
        public async Task Should_answer_other_content_types_with_415_and_malformed_input_with_400()
        {
            var name = await _models.LoggedAndRegisteredAsync();
            var log = new CapturedLog();
            await using var process = Program.Start(Containers.ModelServer($"models:/{name}/1", log))!;
            await Containers.ReadyAsync(process, log);

            var text = (await Containers.PostAsync(process, "/invocations", "text/plain", "1,2"))!;
            var broken = (await Containers.PostAsync(process, "/invocations", "application/json", "{\"inputs\": [1, 2"))!;
            var unknownField = (await Containers.PostAsync(process, "/invocations", "application/json", "{\"data\": [[1, 2]]}"))!;

            Assert.Equal(415, text.StatusCode);
            Assert.Equal("This predictor only supports the following content types: Types: ['text/csv', 'application/json']. Got 'text/plain'.", Containers.Text(text));
            foreach (var bad in new[] { broken, unknownField })
            {
                Assert.Equal((400, "application/json"), (bad.StatusCode, bad.ContentType));
                Assert.Equal("BAD_REQUEST", RegisteredModels.Json(Containers.Text(bad)).Text("error_code"));
            }
            Assert.StartsWith("Invalid input. Ensure that input is a valid JSON formatted string.", RegisteredModels.Json(Containers.Text(broken)).Text("message"), StringComparison.Ordinal);
            Assert.StartsWith("The input must be a JSON dictionary with exactly one of the input fields", RegisteredModels.Json(Containers.Text(unknownField)).Text("message"), StringComparison.Ordinal);
        }

        [Fact]
        public async Task Should_resolve_aliases_latest_stages_runs_storage_uris_and_mlflow_3_logged_models()
        {
            var (runId, location) = await _models.LogAsync();
            var name = await _models.RegisterAsync(location, runId);
            using var http = sandbox.MlflowClient();
            await http.OkAsync(HttpMethod.Post, "registered-models/alias", new { name, alias = "champion", version = "1" });
            await http.OkAsync(HttpMethod.Post, "model-versions/transition-stage", new { name, version = "1", stage = "Staging" });
            var logged = (await http.OkAsync(HttpMethod.Post, "logged-models", new { experiment_id = "0", name = "model", source_run_id = runId })).GetProperty("model").GetProperty("info");
            await _models.UploadAsync(logged.Text("artifact_uri"), RegisteredModels.PytorchMlmodel);
            await http.OkAsync(HttpMethod.Patch, $"logged-models/{logged.Text("model_id")}", new { status = "LOGGED_MODEL_READY" });

            foreach (var uri in new[] { $"models:/{name}@champion", $"models:/{name}/latest", $"models:/{name}/Staging", $"runs:/{runId}/model", location, $"models:/{logged.Text("model_id")}" })
            {
                var log = new CapturedLog();
                await using var process = Program.Start(Containers.ModelServer(uri, log))!;
                await Containers.ReadyAsync(process, log);
            }
        }

        [Fact]
        public async Task Should_install_what_pip_installs_before_serving_from_the_upstream_image()
        {
            var name = await _models.LoggedAndRegisteredAsync();
            var log = new CapturedLog();
            var launch = Containers.Launch("ghcr.io/mlflow/mlflow:v2.21.3",
                ["sh", "-c", $"pip install boto3 torch==2.5.1 && exec mlflow models serve -m models:/{name}/1 -h 0.0.0.0 -p 5001 --no-conda"], Containers.StackEnv(), log);

            await using var process = Program.Start(launch)!;
            await Containers.ReadyAsync(process, log);

            Assert.Contains(log.Lines, l => l.Contains("--no-conda` is deprecated", StringComparison.Ordinal));
        }

        [Fact]
        public async Task Should_be_unreachable_from_outside_the_pod_on_the_default_host()
        {
            var name = await _models.LoggedAndRegisteredAsync();
            var log = new CapturedLog();
            var launch = Containers.Launch(Containers.ProductImage, ["mlflow", "models", "serve", "-m", $"models:/{name}/1", "--env-manager", "local"], Containers.StackEnv(), log);

            await using var process = Program.Start(launch)!;
            await Testing.Eventually.HoldsAsync(() => log.Lines.Any(l => l.Contains("Listening at: http://127.0.0.1:5000", StringComparison.Ordinal)), "the server to listen");

            Assert.Null(await Containers.GetAsync(process, "/health", port: 5000));
        }

        [Fact]
        public async Task Should_answer_as_fastapi_does_in_an_mlflow_3_image()
        {
            var name = await _models.LoggedAndRegisteredAsync();
            var log = new CapturedLog();
            var launch = Containers.Launch("ghcr.io/mlflow/mlflow:v3.1.0",
                ["sh", "-c", $"pip install boto3 torch && mlflow models serve -m models:/{name}/1 --host 0.0.0.0 --port 5001 --env-manager local"], Containers.StackEnv(), log);

            await using var process = Program.Start(launch)!;
            await Containers.ReadyAsync(process, log);
            var missing = (await Containers.GetAsync(process, "/metrics"))!;

            Assert.Equal("3.1.0", Containers.Text((await Containers.GetAsync(process, "/version"))!));
            Assert.Equal((404, "{\"detail\":\"Not Found\"}"), (missing.StatusCode, Containers.Text(missing)));
            Assert.Contains(log.Lines, l => l.StartsWith("INFO:     Uvicorn running on http://0.0.0.0:5001", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Should_exit_for_a_version_that_is_not_ready()
    {
        var (runId, location) = await _models.LogAsync();
        var name = await _models.RegisterAsync(location, runId, failRegistration: true);

        var (exitCode, log) = await RunAsync(Containers.ModelServer($"models:/{name}/1", new CapturedLog()));

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"mlflow.exceptions.MlflowException: Model version 1 of registered model '{name}' is FAILED_REGISTRATION, not READY", log.LastLine, StringComparison.Ordinal);
        Assert.Equal("Traceback (most recent call last):", log.Lines[0]);
    }

    [Fact]
    public async Task Should_exit_for_a_missing_version_or_model_with_mlflows_rest_exception()
    {
        var name = await _models.LoggedAndRegisteredAsync();

        var (_, missingVersion) = await RunAsync(Containers.ModelServer($"models:/{name}/7", new CapturedLog()));
        var (_, missingModel) = await RunAsync(Containers.ModelServer("models:/no_such_model@champion", new CapturedLog()));
        var (_, missingStage) = await RunAsync(Containers.ModelServer($"models:/{name}/Production", new CapturedLog()));

        Assert.Equal($"mlflow.exceptions.RestException: RESOURCE_DOES_NOT_EXIST: Model Version (name={name}, version=7) not found", missingVersion.LastLine);
        Assert.Equal("mlflow.exceptions.RestException: RESOURCE_DOES_NOT_EXIST: Registered Model with name=no_such_model not found", missingModel.LastLine);
        Assert.Equal($"mlflow.exceptions.MlflowException: No versions of model with name '{name}' and stage 'Production' found", missingStage.LastLine);
    }

    [Fact]
    public async Task Should_exit_with_botocores_error_for_a_wrong_secret_or_no_keys()
    {
        var name = await _models.LoggedAndRegisteredAsync();
        var withoutKeys = Containers.StackEnv();
        withoutKeys.Remove("AWS_ACCESS_KEY_ID");
        withoutKeys.Remove("AWS_SECRET_ACCESS_KEY");

        var (exitCode, wrong) = await RunAsync(Containers.ModelServer($"models:/{name}/1", new CapturedLog(), Containers.StackEnv(secretKey: "not-the-secret")));
        var (_, none) = await RunAsync(Containers.ModelServer($"models:/{name}/1", new CapturedLog(), withoutKeys));

        Assert.Equal(1, exitCode);
        Assert.Equal("botocore.exceptions.ClientError: An error occurred (SignatureDoesNotMatch) when calling the ListObjectsV2 operation: The request signature we calculated does not match the signature you provided. Check your key and signing method.", wrong.LastLine);
        Assert.Equal("botocore.exceptions.NoCredentialsError: Unable to locate credentials", none.LastLine);
    }

    [Fact]
    public async Task Should_exit_without_boto3_in_the_upstream_image_and_without_torch_for_a_pytorch_model()
    {
        var name = await _models.LoggedAndRegisteredAsync();

        var (_, upstream) = await RunAsync(Containers.ModelServer($"models:/{name}/1", new CapturedLog(), image: "ghcr.io/mlflow/mlflow:v2.21.3"));
        var (_, noTorch) = await RunAsync(Containers.ModelServer($"models:/{name}/1", new CapturedLog(), image: "ghcr.io/mlops-control-plane/mlflow-model-server:1.0.0"));

        Assert.Equal("ModuleNotFoundError: No module named 'boto3'", upstream.LastLine);
        Assert.Equal("ModuleNotFoundError: No module named 'torch'", noTorch.LastLine);
    }

    [Fact]
    public async Task Should_exit_with_a_connection_error_when_the_tracking_uri_reaches_nothing()
    {
        var name = await _models.LoggedAndRegisteredAsync();
        var env = Containers.StackEnv();
        env["MLFLOW_TRACKING_URI"] = "http://mlflow-tracking.mlflow.svc.cluster.local:5000";

        var (_, log) = await RunAsync(Containers.ModelServer($"models:/{name}/1", new CapturedLog(), env));

        Assert.StartsWith("mlflow.exceptions.MlflowException: API request to http://mlflow-tracking.mlflow.svc.cluster.local:5000/api/2.0/mlflow/model-versions/get-download-uri failed with exception HTTPConnectionPool(host='mlflow-tracking.mlflow.svc.cluster.local', port=5000): Max retries exceeded", log.LastLine, StringComparison.Ordinal);
        Assert.Contains("Failed to resolve 'mlflow-tracking.mlflow.svc.cluster.local' ([Errno -2] Name or service not known)", log.LastLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_exit_with_a_404_head_object_when_mlmodel_is_not_in_s3()
    {
        var (runId, location) = await _models.LogAsync(upload: false);
        var name = await _models.RegisterAsync(location, runId);

        var (_, log) = await RunAsync(Containers.ModelServer($"models:/{name}/1", new CapturedLog()));

        Assert.Equal("botocore.exceptions.ClientError: An error occurred (404) when calling the HeadObject operation: Not Found", log.LastLine);
    }

    [Fact]
    public async Task Should_need_virtualenv_when_no_env_manager_is_given()
    {
        var name = await _models.LoggedAndRegisteredAsync();
        var launch = Containers.Launch(Containers.ProductImage, ["mlflow", "models", "serve", "-m", $"models:/{name}/1", "--host", "0.0.0.0"], Containers.StackEnv(), new CapturedLog());

        var (_, log) = await RunAsync(launch);

        Assert.Equal("mlflow.exceptions.MlflowException: Could not find the virtualenv binary. Run `pip install virtualenv` to install virtualenv.", log.LastLine);
    }

    [Fact]
    public async Task Should_fail_as_the_shell_and_click_do_for_a_missing_program_or_option()
    {
        var noMlflow = Containers.Launch("python:3.11-slim", ["sh", "-c", "mlflow models serve -m models:/x/1"], Containers.StackEnv(), new CapturedLog());
        var noUri = Containers.Launch(Containers.ProductImage, ["mlflow", "models", "serve", "--port", "5001"], Containers.StackEnv(), new CapturedLog());
        var notServing = Containers.Launch(Containers.ProductImage, ["python", "serve.py"], Containers.StackEnv(), new CapturedLog());

        var (notFound, shell) = await RunAsync(noMlflow);
        var (usage, click) = await RunAsync(noUri);

        Assert.Equal((127, "/bin/sh: 1: mlflow: not found"), (notFound, shell.LastLine));
        Assert.Equal((2, "Error: Missing option '-m' / '--model-uri'."), (usage, click.LastLine));
        Assert.Null(Program.Start(notServing));
    }

    private async Task<(int ExitCode, CapturedLog Log)> RunAsync(ContainerLaunch launch)
    {
        await using var process = Program.Start(launch) ?? throw new InvalidOperationException("not a model server");
        var exitCode = await Containers.ExitCodeAsync(process);
        return (exitCode, (CapturedLog)launch.Log);
    }
}
