using System.Globalization;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Mlflow;

/// <summary>The routes of MLflow's REST API (<c>/api/2.0/mlflow/…</c>) that the product and the training flow use.</summary>
public static class MlflowApi
{
    public const string Prefix = "/api/2.0/mlflow";

    public static void MapMlflowApi(this IEndpointRouteBuilder app, MlflowServer server)
    {
        var tracking = server.Tracking;
        var registry = server.Registry;
        var webhooks = server.Webhooks;

        app.MapGet("/health", () => Results.Text("OK"));
        app.MapGet("/version", () => Results.Text("3.1.0"));

        // Experiments
        Post(app, "experiments/create", r => new JsonObject
        {
            ["experiment_id"] = tracking.CreateExperiment(r.Required("name"), r.String("artifact_location"), r.Tags()).ExperimentId,
        });
        Get(app, "experiments/get", r => new JsonObject { ["experiment"] = tracking.GetExperiment(r.Required("experiment_id")).ToJson() });
        Get(app, "experiments/get-by-name", r => new JsonObject { ["experiment"] = tracking.GetExperimentByName(r.Required("experiment_name")).ToJson() });
        Post(app, "experiments/search", r =>
        {
            var filter = SearchFilter.Parse(r.String("filter"));
            var all = tracking.Experiments().Where(e => filter.Matches(f => f switch
            {
                "name" => e.Name,
                _ when f.StartsWith("tags.", StringComparison.Ordinal) => e.Tags.GetValueOrDefault(f[5..]),
                _ => throw MlflowException.InvalidParameter($"Invalid attribute key '{f}' specified."),
            })).ToList();
            var (page, next) = PageToken.Slice(all, PageToken.MaxResults(r.Long("max_results"), 1000, 50000), r.String("page_token"));
            return Paged("experiments", page.Select(e => e.ToJson()), next);
        });

        // Runs
        Post(app, "runs/create", r => new JsonObject
        {
            ["run"] = tracking.CreateRun(r.String("experiment_id") ?? "0", r.String("run_name"), r.String("user_id"), r.Long("start_time"), r.Tags()).ToJson(),
        });
        Get(app, "runs/get", r => new JsonObject { ["run"] = tracking.GetRun(r.String("run_id") ?? r.Required("run_uuid")).ToJson() });
        Post(app, "runs/update", r => new JsonObject
        {
            ["run_info"] = tracking.UpdateRun(r.String("run_id") ?? r.Required("run_uuid"), r.String("status"), r.Long("end_time"), r.String("run_name")).InfoJson(),
        });
        Post(app, "runs/delete", r =>
        {
            tracking.DeleteRun(r.Required("run_id"));
            return [];
        });
        Post(app, "runs/log-metric", r =>
        {
            var metric = new Metric(r.Required("key"), r.RequiredDouble("value"), r.Long("timestamp") ?? Now(), r.Long("step") ?? 0);
            tracking.LogBatch(r.String("run_id") ?? r.Required("run_uuid"), [metric], [], []);
            return [];
        });
        Post(app, "runs/log-parameter", r =>
        {
            tracking.LogBatch(r.String("run_id") ?? r.Required("run_uuid"), [], [new(r.Required("key"), r.String("value") ?? "")], []);
            return [];
        });
        Post(app, "runs/set-tag", r =>
        {
            tracking.LogBatch(r.String("run_id") ?? r.Required("run_uuid"), [], [], [new(r.Required("key"), r.String("value") ?? "")]);
            return [];
        });
        Post(app, "runs/delete-tag", r =>
        {
            tracking.DeleteTag(r.Required("run_id"), r.Required("key"));
            return [];
        });
        Post(app, "runs/log-batch", r =>
        {
            var metrics = r.Objects("metrics").Select(m => new Metric(
                MlflowRequest.ValueText(m["key"]) ?? throw MlflowException.MissingParameter("metrics.key"),
                double.Parse(MlflowRequest.ValueText(m["value"]) ?? throw MlflowException.MissingParameter("metrics.value"), CultureInfo.InvariantCulture),
                long.Parse(MlflowRequest.ValueText(m["timestamp"]) ?? Now().ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
                long.Parse(MlflowRequest.ValueText(m["step"]) ?? "0", CultureInfo.InvariantCulture))).ToList();
            tracking.LogBatch(r.Required("run_id"), metrics, r.Tags("params"), r.Tags("tags"));
            return [];
        });
        Post(app, "runs/search", r =>
        {
            var experimentIds = r.Strings("experiment_ids");
            var runs = tracking.SearchRuns(experimentIds, SearchFilter.Parse(r.String("filter")), r.String("run_view_type") ?? "ACTIVE_ONLY", r.Strings("order_by"));
            var (page, next) = PageToken.Slice(runs, PageToken.MaxResults(r.Long("max_results"), 1000, 50000), r.String("page_token"));
            return Paged("runs", page.Select(run => run.ToJson()), next);
        });
        Get(app, "metrics/get-history", r => new JsonObject
        {
            ["metrics"] = new JsonArray(tracking.MetricHistory(r.String("run_id") ?? r.Required("run_uuid"), r.Required("metric_key")).Select(m => (JsonNode)m.ToJson()).ToArray()),
        });

        // Logged models (MLflow 3)
        Post(app, "logged-models", r => new JsonObject
        {
            ["model"] = tracking.CreateLoggedModel(r.Required("experiment_id"), r.String("name"), r.String("source_run_id"), r.String("model_type"), r.Tags("params"), r.Tags()).ToJson(),
        });
        Post(app, "logged-models/search", r =>
        {
            // MLflow 3 orders by objects, {"field_name": "creation_time", "ascending": false}.
            var orderBy = r.Objects("order_by").Select(o => $"{o["field_name"]?.GetValue<string>()} {(o["ascending"]?.GetValue<bool>() == true ? "ASC" : "DESC")}");
            var models = tracking.SearchLoggedModels(r.Strings("experiment_ids"), SearchFilter.Parse(r.String("filter")), orderBy);
            var (page, next) = PageToken.Slice(models, PageToken.MaxResults(r.Long("max_results"), 50, 50000), r.String("page_token"));
            return Paged("models", page.Select(m => m.ToJson()), next);
        });
        Get(app, "logged-models/{model_id}", r => new JsonObject { ["model"] = tracking.GetLoggedModel(r.Required("model_id")).ToJson() });
        Patch(app, "logged-models/{model_id}", r => new JsonObject
        {
            ["model"] = tracking.FinalizeLoggedModel(r.Required("model_id"), r.Required("status")).ToJson(),
        });

        // Registered models
        Post(app, "registered-models/create", r => new JsonObject
        {
            ["registered_model"] = registry.CreateRegisteredModel(r.Required("name"), r.Tags(), r.String("description")).ToJson(),
        });
        Get(app, "registered-models/get", r => new JsonObject { ["registered_model"] = registry.GetRegisteredModel(r.Required("name")).ToJson() });
        Get(app, "registered-models/search", r =>
        {
            var models = registry.SearchRegisteredModels(SearchFilter.Parse(r.String("filter")), r.Strings("order_by"));
            var (page, next) = PageToken.Slice(models, PageToken.MaxResults(r.Long("max_results"), 100, 1000), r.String("page_token"));
            return Paged("registered_models", page.Select(m => m.ToJson()), next);
        });
        Patch(app, "registered-models/update", r => new JsonObject
        {
            ["registered_model"] = registry.UpdateRegisteredModel(r.Required("name"), r.String("description")).ToJson(),
        });
        Post(app, "registered-models/rename", r => new JsonObject
        {
            ["registered_model"] = registry.RenameRegisteredModel(r.Required("name"), r.Required("new_name")).ToJson(),
        });
        Delete(app, "registered-models/delete", r =>
        {
            registry.DeleteRegisteredModel(r.Required("name"));
            return [];
        });
        Func<MlflowRequest, JsonObject> latestVersions = r => new JsonObject
        {
            ["model_versions"] = new JsonArray(registry.GetLatestVersions(r.Required("name"), r.Strings("stages")).Select(v => (JsonNode)v.ToJson()).ToArray()),
        };
        Post(app, "registered-models/get-latest-versions", latestVersions);
        Get(app, "registered-models/get-latest-versions", latestVersions);
        Post(app, "registered-models/set-tag", r =>
        {
            registry.SetRegisteredModelTag(r.Required("name"), r.Required("key"), r.String("value") ?? "");
            return [];
        });
        Delete(app, "registered-models/delete-tag", r =>
        {
            registry.DeleteRegisteredModelTag(r.Required("name"), r.Required("key"));
            return [];
        });
        Post(app, "registered-models/alias", r =>
        {
            registry.SetAlias(r.Required("name"), r.Required("alias"), r.Required("version"));
            return [];
        });
        Delete(app, "registered-models/alias", r =>
        {
            registry.DeleteAlias(r.Required("name"), r.Required("alias"));
            return [];
        });
        Get(app, "registered-models/alias", r => new JsonObject
        {
            ["model_version"] = registry.GetModelVersionByAlias(r.Required("name"), r.Required("alias")).ToJson(),
        });

        // Model versions
        Post(app, "model-versions/create", r =>
        {
            // MLflow 3 registers a logged model by its URI; the version then points at the logged model's artifacts.
            var source = r.Required("source");
            var modelId = r.String("model_id") ?? (source.StartsWith("models:/m-", StringComparison.Ordinal) ? source["models:/".Length..] : null);
            var loggedModel = modelId is { Length: > 0 } ? tracking.GetLoggedModel(modelId) : null;
            return new JsonObject
            {
                ["model_version"] = registry.CreateModelVersion(r.Required("name"), source, r.String("run_id") ?? loggedModel?.SourceRunId, r.Tags(), r.String("run_link"), r.String("description"), loggedModel).ToJson(),
            };
        });
        Get(app, "model-versions/get", r => new JsonObject { ["model_version"] = registry.GetModelVersion(r.Required("name"), r.Required("version")).ToJson() });
        Get(app, "model-versions/search", r =>
        {
            var versions = registry.SearchModelVersions(SearchFilter.Parse(r.String("filter")), r.Strings("order_by"));
            var (page, next) = PageToken.Slice(versions, PageToken.MaxResults(r.Long("max_results"), 10000, 200000), r.String("page_token"));
            return Paged("model_versions", page.Select(v => v.ToJson()), next);
        });
        Post(app, "model-versions/transition-stage", r => new JsonObject
        {
            ["model_version"] = registry.TransitionStage(r.Required("name"), r.Required("version"), r.Required("stage"), r.Bool("archive_existing_versions")).ToJson(),
        });
        Get(app, "model-versions/get-download-uri", r => new JsonObject
        {
            ["artifact_uri"] = registry.GetModelVersion(r.Required("name"), r.Required("version")).StorageLocation,
        });
        Patch(app, "model-versions/update", r => new JsonObject
        {
            ["model_version"] = registry.UpdateModelVersion(r.Required("name"), r.Required("version"), r.String("description")).ToJson(),
        });
        Delete(app, "model-versions/delete", r =>
        {
            registry.DeleteModelVersion(r.Required("name"), r.Required("version"));
            return [];
        });
        Post(app, "model-versions/set-tag", r =>
        {
            registry.SetModelVersionTag(r.Required("name"), r.Required("version"), r.Required("key"), r.String("value") ?? "");
            return [];
        });
        Delete(app, "model-versions/delete-tag", r =>
        {
            registry.DeleteModelVersionTag(r.Required("name"), r.Required("version"), r.Required("key"));
            return [];
        });

        // Webhooks (MLflow 3)
        Post(app, "webhooks", r => new JsonObject
        {
            ["webhook"] = webhooks.Create(r.Required("name"), r.String("description"), r.Required("url"), Events(r), r.String("secret"), r.String("status")).ToJson(),
        });
        Get(app, "webhooks", r =>
        {
            var (page, next) = PageToken.Slice(webhooks.List(), PageToken.MaxResults(r.Long("max_results"), 100, 1000), r.String("page_token"));
            return Paged("webhooks", page.Select(w => w.ToJson()), next);
        });
        Get(app, "webhooks/{webhook_id}", r => new JsonObject { ["webhook"] = webhooks.Get(r.Required("webhook_id")).ToJson() });
        Patch(app, "webhooks/{webhook_id}", r => new JsonObject
        {
            ["webhook"] = webhooks.Update(r.Required("webhook_id"), r.String("name"), r.String("description"), r.String("url"), r.Objects("events").Count > 0 ? Events(r) : null, r.String("secret"), r.String("status")).ToJson(),
        });
        Delete(app, "webhooks/{webhook_id}", r =>
        {
            webhooks.Delete(r.Required("webhook_id"));
            return [];
        });
        app.MapPost(Prefix + "/webhooks/{webhook_id}/test", (HttpContext http) => HandleAsync(http, async r =>
        {
            var webhook = webhooks.Get(r.Required("webhook_id"));
            var @event = TestEvent(r) ?? webhook.Events[0];
            return new JsonObject { ["result"] = await server.Deliveries.TestAsync(webhook, @event, http.RequestAborted) };
        }));
    }

    /// <summary>Writes MLflow's error body for <paramref name="error"/>.</summary>
    public static Task WriteErrorAsync(HttpContext http, MlflowException error, int? statusCode = null)
    {
        http.Response.StatusCode = statusCode ?? error.StatusCode;
        http.Response.ContentType = "application/json";
        var body = new JsonObject { ["error_code"] = error.ErrorCode, ["message"] = error.Message };
        return http.Response.WriteAsync(body.ToJsonString(MlflowJson.Compact));
    }

    private static List<WebhookEvent> Events(MlflowRequest request) =>
        request.Objects("events").Select(ParseEvent).ToList();

    private static WebhookEvent? TestEvent(MlflowRequest request) =>
        request.Object("event") is { } json ? ParseEvent(json) : null;

    private static WebhookEvent ParseEvent(JsonObject json) =>
        WebhookEvent.Parse(MlflowRequest.ValueText(json["entity"]), MlflowRequest.ValueText(json["action"]))
        ?? throw MlflowException.InvalidParameter($"Invalid webhook event: {json.ToJsonString()}. Supported events: {string.Join(", ", WebhookEvent.Supported)}.");

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static JsonObject Paged(string field, IEnumerable<JsonObject> items, string? nextPageToken)
    {
        var json = new JsonObject { [field] = new JsonArray(items.Select(i => (JsonNode)i).ToArray()) };
        if (nextPageToken is not null)
            json["next_page_token"] = nextPageToken;
        return json;
    }

    private static void Get(IEndpointRouteBuilder app, string path, Func<MlflowRequest, JsonObject> handler) =>
        app.MapGet($"{Prefix}/{path}", (HttpContext http) => HandleSync(http, handler));

    private static void Post(IEndpointRouteBuilder app, string path, Func<MlflowRequest, JsonObject> handler) =>
        app.MapPost($"{Prefix}/{path}", (HttpContext http) => HandleSync(http, handler));

    private static void Patch(IEndpointRouteBuilder app, string path, Func<MlflowRequest, JsonObject> handler) =>
        app.MapPatch($"{Prefix}/{path}", (HttpContext http) => HandleSync(http, handler));

    private static void Delete(IEndpointRouteBuilder app, string path, Func<MlflowRequest, JsonObject> handler) =>
        app.MapDelete($"{Prefix}/{path}", (HttpContext http) => HandleSync(http, handler));

    private static Task HandleSync(HttpContext http, Func<MlflowRequest, JsonObject> handler) =>
        HandleAsync(http, r => Task.FromResult(handler(r)));

    private static async Task HandleAsync(HttpContext http, Func<MlflowRequest, Task<JsonObject>> handler)
    {
        try
        {
            var request = await MlflowRequest.ReadAsync(http);
            var answer = await handler(request);
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(answer.ToJsonString(MlflowJson.Compact));
        }
        catch (MlflowException error)
        {
            await WriteErrorAsync(http, error);
        }
        catch (FormatException error)
        {
            await WriteErrorAsync(http, MlflowException.InvalidParameter(error.Message));
        }
    }
}
