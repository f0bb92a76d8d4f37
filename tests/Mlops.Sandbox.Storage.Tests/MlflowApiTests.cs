using System.Text.Json;
using Mlops.Sandbox.Faults;
using Mlops.Sandbox.Mlflow;
using Mlops.Testing;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>The MLflow endpoints the product and the training flow use answer with MLflow's shapes and errors.</summary>
public sealed class MlflowApiTests(StorageSandbox sandbox) : IClassFixture<StorageSandbox>
{
    private static readonly HttpMethod s_get = HttpMethod.Get;
    private static readonly HttpMethod s_post = HttpMethod.Post;
    private static readonly string[] s_production = ["Production"];

    [Fact]
    public async Task Should_create_an_experiment_find_it_by_name_and_refuse_a_duplicate_with_400()
    {
        using var http = sandbox.MlflowClient();
        var name = $"exp-{Guid.NewGuid():N}";

        var id = (await http.OkAsync(s_post, "experiments/create", new { name })).Text("experiment_id");
        var found = (await http.OkAsync(s_get, $"experiments/get-by-name?experiment_name={name}")).GetProperty("experiment");
        var (status, error) = await http.CallAsync(s_post, "experiments/create", new { name });

        Assert.Equal(id, found.Text("experiment_id"));
        Assert.Equal($"s3://mlflow/{id}", found.Text("artifact_location"));
        Assert.Equal(400, status);
        Assert.Equal("RESOURCE_ALREADY_EXISTS", error.Text("error_code"));
        var (missing, notFound) = await http.CallAsync(s_get, "experiments/get-by-name?experiment_name=nothing-here");
        Assert.Equal(404, missing);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", notFound.Text("error_code"));
    }

    [Fact]
    public async Task Should_log_params_metrics_and_tags_to_a_run_and_find_it_by_search()
    {
        using var http = sandbox.MlflowClient();
        var experimentId = (await http.OkAsync(s_post, "experiments/create", new { name = $"exp-{Guid.NewGuid():N}" })).Text("experiment_id");
        var run = (await http.OkAsync(s_post, "runs/create", new { experiment_id = experimentId, run_name = "vgg16-5", tags = new[] { new { key = "mlops.flow_id", value = "flow-1" } } })).GetProperty("run");
        var runId = run.GetProperty("info").Text("run_id");

        await http.OkAsync(s_post, "runs/log-parameter", new { run_id = runId, key = "arch", value = "vgg16" });
        await http.OkAsync(s_post, "runs/log-metric", new { run_id = runId, key = "accuracy", value = 0.5, timestamp = 1, step = 0 });
        await http.OkAsync(s_post, "runs/log-batch", new
        {
            run_id = runId,
            metrics = new[] { new { key = "accuracy", value = 0.93, timestamp = 2, step = 1 } },
            @params = new[] { new { key = "epochs", value = "5" } },
            tags = new[] { new { key = "stage", value = "trained" } },
        });
        var info = (await http.OkAsync(s_post, "runs/update", new { run_id = runId, status = "FINISHED" })).GetProperty("run_info");
        var fetched = (await http.OkAsync(s_get, $"runs/get?run_id={runId}")).GetProperty("run");
        var search = await http.OkAsync(s_post, "runs/search", new { experiment_ids = new[] { experimentId }, filter = "tags.mlops.flow_id = 'flow-1' AND metrics.accuracy > 0.9" });

        Assert.Equal("FINISHED", info.Text("status"));
        Assert.True(info.TryGetProperty("end_time", out _));
        Assert.Equal($"s3://mlflow/{experimentId}/{runId}/artifacts", fetched.GetProperty("info").Text("artifact_uri"));
        var data = fetched.GetProperty("data");
        Assert.Equal(0.93, data.GetProperty("metrics").EnumerateArray().Single(m => m.Text("key") == "accuracy").GetProperty("value").GetDouble());
        Assert.Equal(["arch", "epochs"], data.GetProperty("params").EnumerateArray().Select(p => p.Text("key")));
        Assert.Contains(data.GetProperty("tags").EnumerateArray(), t => t.Text("key") == "stage" && t.Text("value") == "trained");
        Assert.Equal(runId, Assert.Single(search.GetProperty("runs").EnumerateArray()).GetProperty("info").Text("run_id"));
    }

    [Fact]
    public async Task Should_refuse_changing_a_logged_param_and_a_missing_run_with_mlflow_errors()
    {
        using var http = sandbox.MlflowClient();
        var runId = (await http.OkAsync(s_post, "runs/create", new { experiment_id = "0" })).GetProperty("run").GetProperty("info").Text("run_id");
        await http.OkAsync(s_post, "runs/log-parameter", new { run_id = runId, key = "arch", value = "vgg16" });

        var (changed, changeError) = await http.CallAsync(s_post, "runs/log-parameter", new { run_id = runId, key = "arch", value = "resnet" });
        var (missing, missingError) = await http.CallAsync(s_get, "runs/get?run_id=0000");

        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), (changed, changeError.Text("error_code")));
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), (missing, missingError.Text("error_code")));
    }

    [Fact]
    public async Task Should_register_a_model_and_refuse_a_duplicate_with_400_resource_already_exists()
    {
        using var http = sandbox.MlflowClient();
        var name = $"model-{Guid.NewGuid():N}";

        var model = (await http.OkAsync(s_post, "registered-models/create", new { name, description = "cnn" })).GetProperty("registered_model");
        var (status, error) = await http.CallAsync(s_post, "registered-models/create", new { name });

        Assert.Equal(name, model.Text("name"));
        Assert.Equal(400, status);
        Assert.Equal("RESOURCE_ALREADY_EXISTS", error.Text("error_code"));
        Assert.Equal($"Registered Model (name={name}) already exists.", error.Text("message"));
    }

    [Fact]
    public async Task Should_answer_a_missing_model_version_with_the_fixture_error_body()
    {
        using var http = sandbox.MlflowClient();
        await http.OkAsync(s_post, "registered-models/create", new { name = "cnn_classifier_errors" });

        var (status, body) = await http.CallAsync(s_get, "model-versions/get?name=cnn_classifier_errors&version=42");

        var fixture = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(TestEnvironment.FixturesDirectory, "mlflow-error-not-found.json"))).RootElement;
        Assert.Equal(404, status);
        JsonShape.AssertSame(fixture, body);
        Assert.Equal("Model Version (name=cnn_classifier_errors, version=42) not found", body.Text("message"));
    }

    [Fact]
    public async Task Should_create_a_version_pending_that_becomes_ready_with_the_fixture_shape()
    {
        using var http = sandbox.MlflowClient();
        var name = $"model-{Guid.NewGuid():N}";
        await http.OkAsync(s_post, "registered-models/create", new { name });
        var runId = Guid.NewGuid().ToString("N");

        var created = (await http.OkAsync(s_post, "model-versions/create", new { name, source = $"s3://mlflow/3/{runId}/artifacts/model", run_id = runId, tags = new[] { new { key = "arch", value = "vgg16" } } })).GetProperty("model_version");
        await http.OkAsync(s_post, "registered-models/alias", new { name, alias = "champion", version = "1" });
        JsonElement ready = default;
        await Eventually.HoldsAsync(async () =>
        {
            ready = (await http.OkAsync(s_get, $"model-versions/get?name={name}&version=1")).GetProperty("model_version");
            return ready.Text("status") == "READY";
        }, "the version to become READY");

        Assert.Equal("PENDING_REGISTRATION", created.Text("status"));
        Assert.Equal("1", created.Text("version"));
        var fixture = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(TestEnvironment.FixturesDirectory, "mlflow-model-version.json"))).RootElement.GetProperty("model_version");
        JsonShape.AssertSame(fixture, ready);
    }

    [Fact]
    public async Task Should_end_in_failed_registration_when_created_with_the_failure_tag()
    {
        using var http = sandbox.MlflowClient();
        var name = $"model-{Guid.NewGuid():N}";
        await http.OkAsync(s_post, "registered-models/create", new { name });

        await http.OkAsync(s_post, "model-versions/create", new { name, source = "s3://mlflow/1/r/artifacts/model", tags = new[] { new { key = ModelRegistry.FailRegistrationTag, value = "true" } } });

        await Eventually.HoldsAsync(async () =>
            (await http.OkAsync(s_get, $"model-versions/get?name={name}&version=1")).GetProperty("model_version").Text("status") == "FAILED_REGISTRATION",
            "the version to end in FAILED_REGISTRATION");
    }

    [Fact]
    public async Task Should_search_versions_by_name_and_run_id_in_pages()
    {
        using var http = sandbox.MlflowClient();
        var name = $"model-{Guid.NewGuid():N}";
        await http.OkAsync(s_post, "registered-models/create", new { name });
        for (var i = 0; i < 3; i++)
            await http.OkAsync(s_post, "model-versions/create", new { name, source = $"s3://mlflow/1/run{i}/artifacts/model", run_id = $"run{i}" });

        var first = await http.OkAsync(s_get, $"model-versions/search?filter={Uri.EscapeDataString($"name='{name}'")}&max_results=2");
        var second = await http.OkAsync(s_get, $"model-versions/search?filter={Uri.EscapeDataString($"name='{name}'")}&max_results=2&page_token={Uri.EscapeDataString(first.Text("next_page_token"))}");
        var byRun = await http.OkAsync(s_get, $"model-versions/search?filter={Uri.EscapeDataString("run_id='run1'")}");
        var models = await http.OkAsync(s_get, $"registered-models/search?filter={Uri.EscapeDataString($"name LIKE '{name[..10]}%'")}");

        Assert.Equal(["3", "2"], first.GetProperty("model_versions").EnumerateArray().Select(v => v.Text("version")));
        Assert.Equal(["1"], second.GetProperty("model_versions").EnumerateArray().Select(v => v.Text("version")));
        Assert.False(second.TryGetProperty("next_page_token", out _));
        Assert.Equal("2", Assert.Single(byRun.GetProperty("model_versions").EnumerateArray(), v => v.Text("name") == name).Text("version"));
        Assert.Contains(models.GetProperty("registered_models").EnumerateArray(), m => m.Text("name") == name);
    }

    [Fact]
    public async Task Should_set_get_and_delete_aliases_tags_and_stages()
    {
        using var http = sandbox.MlflowClient();
        var name = $"model-{Guid.NewGuid():N}";
        await http.OkAsync(s_post, "registered-models/create", new { name });
        await http.OkAsync(s_post, "model-versions/create", new { name, source = "s3://mlflow/1/r1/artifacts/model" });
        await http.OkAsync(s_post, "model-versions/create", new { name, source = "s3://mlflow/1/r2/artifacts/model" });

        await http.OkAsync(s_post, "registered-models/alias", new { name, alias = "champion", version = "2" });
        var byAlias = (await http.OkAsync(s_get, $"registered-models/alias?name={name}&alias=champion")).GetProperty("model_version");
        await http.OkAsync(s_post, "model-versions/set-tag", new { name, version = "2", key = "gate", value = "passed" });
        await http.OkAsync(s_post, "registered-models/set-tag", new { name, key = "team", value = "vision" });
        var staged = (await http.OkAsync(s_post, "model-versions/transition-stage", new { name, version = "2", stage = "production", archive_existing_versions = true })).GetProperty("model_version");
        var uri = await http.OkAsync(s_get, $"model-versions/get-download-uri?name={name}&version=2");
        var latest = await http.OkAsync(s_post, "registered-models/get-latest-versions", new { name, stages = s_production });
        await http.OkAsync(HttpMethod.Delete, "registered-models/alias", new { name, alias = "champion" });
        await http.OkAsync(HttpMethod.Delete, "model-versions/delete-tag", new { name, version = "2", key = "gate" });
        var (gone, goneError) = await http.CallAsync(s_get, $"registered-models/alias?name={name}&alias=champion");
        var model = (await http.OkAsync(s_get, $"registered-models/get?name={name}")).GetProperty("registered_model");
        var version = (await http.OkAsync(s_get, $"model-versions/get?name={name}&version=2")).GetProperty("model_version");

        Assert.Equal("2", byAlias.Text("version"));
        Assert.Equal(["champion"], byAlias.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("Production", staged.Text("current_stage"));
        Assert.Equal("s3://mlflow/1/r2/artifacts/model", uri.Text("artifact_uri"));
        Assert.Equal("2", Assert.Single(latest.GetProperty("model_versions").EnumerateArray()).Text("version"));
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), (gone, goneError.Text("error_code")));
        Assert.Empty(model.GetProperty("aliases").EnumerateArray());
        Assert.Contains(model.GetProperty("tags").EnumerateArray(), t => t.Text("key") == "team");
        Assert.Empty(version.GetProperty("tags").EnumerateArray());
    }

    [Fact]
    public async Task Should_answer_a_missing_required_field_with_invalid_parameter_value()
    {
        using var http = sandbox.MlflowClient();

        var (status, error) = await http.CallAsync(s_post, "model-versions/create", new { name = "x" });

        Assert.Equal(400, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", error.Text("error_code"));
        Assert.Contains("'source'", error.Text("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_injected_faults_with_mlflow_error_bodies_and_log_requests()
    {
        using var http = sandbox.MlflowClient();
        var name = $"model-{Guid.NewGuid():N}";
        sandbox.Host.Faults.Set("mlflow", "model-versions", new FaultRule { ErrorRate = 1, StatusCodes = [503] });
        try
        {
            var (status, error) = await http.CallAsync(s_get, $"model-versions/get?name={name}&version=1");
            var (unaffected, _) = await http.CallAsync(s_get, $"registered-models/get?name={name}");

            Assert.Equal((503, "TEMPORARILY_UNAVAILABLE"), (status, error.Text("error_code")));
            Assert.Equal(404, unaffected);
            var logged = sandbox.Host.Requests.Snapshot("mlflow").Where(r => r.Name == name).ToList();
            Assert.Equal(["model-versions/get", "registered-models/get"], logged.Select(r => $"{r.Group}/{r.Resource}"));
            Assert.NotNull(logged[0].Fault);
        }
        finally
        {
            sandbox.Host.Faults.Clear("mlflow", "model-versions");
        }
    }
}
