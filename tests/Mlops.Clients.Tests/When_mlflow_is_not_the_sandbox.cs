using System.Net;
using Microsoft.AspNetCore.Http;
using Mlops.Clients.Mlflow;
using Refit;

namespace Mlops.Clients.Tests;

/// <summary>
/// MLflow servers the sandbox does not play: one with authentication, an MLflow 2 without webhooks, and MLflow 3's
/// logged models, answered as MLflow answers them.
/// </summary>
public sealed class When_mlflow_is_not_the_sandbox : IAsyncLifetime
{
    private RecordedServer _server = null!;

    public async Task InitializeAsync() => _server = await RecordedServer.StartAsync(AnswerAsync);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static Task AnswerAsync(HttpContext http, RecordedRequest request)
    {
        var path = http.Request.Path.Value ?? "";
        http.Response.ContentType = "application/json";
        if (path == "/api/2.0/mlflow/logged-models/m-0a1b2c3d4e5f")
        {
            return http.Response.WriteAsync("""
                {"model":{"info":{"model_id":"m-0a1b2c3d4e5f","experiment_id":"3","name":"model","creation_timestamp_ms":"1763633702481",
                "last_updated_timestamp_ms":1763633703120,"artifact_uri":"s3://mlflow/3/models/m-0a1b2c3d4e5f/artifacts","status":"LOGGED_MODEL_READY",
                "creator_id":"0","model_type":"","source_run_id":"6f1c2d9e4b7a4c0d9e8f7a6b5c4d3e2f","tags":[{"key":"arch","value":"vgg16"}],
                "registrations":[{"name":"cnn_classifier","version":"7"}]},"data":{"params":[{"key":"epochs","value":"5"}],"metrics":[]}}}
                """);
        }
        if (path.StartsWith("/api/2.0/mlflow/logged-models/", StringComparison.Ordinal))
        {
            http.Response.StatusCode = 404;
            return http.Response.WriteAsync("""{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Logged model with ID 'm-missing' not found"}""");
        }
        if (path.StartsWith("/api/2.0/mlflow/webhooks", StringComparison.Ordinal))
        {
            // MLflow 2.x has no such route: Flask's own 404 page, not an MLflow error body.
            http.Response.StatusCode = 404;
            http.Response.ContentType = "text/html";
            return http.Response.WriteAsync("<!doctype html><title>404 Not Found</title><h1>Not Found</h1>");
        }
        if (request.Authorization.Length == 0)
        {
            http.Response.StatusCode = 401;
            return http.Response.WriteAsync("""{"error_code":"UNAUTHENTICATED","message":"You are not authenticated."}""");
        }
        http.Response.StatusCode = 403;
        return http.Response.WriteAsync("""{"error_code":"PERMISSION_DENIED","message":"Permission denied"}""");
    }

    private Task<ClientHost> StartAsync(params (string Key, string Value)[] settings)
    {
        var all = settings.ToDictionary(s => s.Key, s => (string?)s.Value);
        all["Mlflow:Url"] = _server.Url.ToString();
        return ClientHost.StartAsync(all, b => b.AddMlflowClient());
    }

    [Fact]
    public async Task Should_read_an_mlflow_3_logged_model_and_answer_null_for_a_missing_one()
    {
        await using var host = await StartAsync();
        var mlflow = host.Get<IMlflowApi>();

        var model = await mlflow.FindLoggedModelAsync("m-0a1b2c3d4e5f");

        Assert.Equal("s3://mlflow/3/models/m-0a1b2c3d4e5f/artifacts", model!.Info.ArtifactUri);
        Assert.Equal("6f1c2d9e4b7a4c0d9e8f7a6b5c4d3e2f", model.Info.SourceRunId);
        Assert.Equal(1763633702481, model.Info.CreationTimestampMs);
        Assert.Equal(("cnn_classifier", "7"), (model.Info.Registrations.Single().Name, model.Info.Registrations.Single().Version));
        Assert.Null(await mlflow.FindLoggedModelAsync("m-missing"));
    }

    [Fact]
    public async Task Should_tell_a_server_without_webhooks_and_not_mistake_its_404_for_a_missing_resource()
    {
        await using var host = await StartAsync();
        var mlflow = host.Get<IMlflowApi>();

        Assert.False(await mlflow.HasWebhookApiAsync());
        var notServed = await Assert.ThrowsAsync<ApiException>(() => mlflow.FindWebhookAsync("wh-1"));
        Assert.Equal(HttpStatusCode.NotFound, notServed.StatusCode);
        Assert.Null(notServed.MlflowError());
    }

    [Fact]
    public async Task Should_send_basic_credentials_and_keep_them_out_of_the_exception()
    {
        await using var host = await StartAsync(("Mlflow:Username", "mlops"), ("Mlflow:Password", "pa55word"));

        var denied = await Assert.ThrowsAsync<ApiException>(() => host.Get<IMlflowApi>().GetRegisteredModelAsync("cnn_classifier"));

        Assert.Equal("Basic " + Convert.ToBase64String("mlops:pa55word"u8.ToArray()), _server.Requests.Single().Authorization);
        Assert.Equal(MlflowErrorCode.PermissionDenied, denied.MlflowError()!.ErrorCode);
        Assert.Null(denied.RequestMessage.Headers.Authorization);
        Assert.DoesNotContain("pa55word", denied.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_send_a_bearer_token()
    {
        await using var host = await StartAsync(("Mlflow:Token", "tok-123"));

        await Assert.ThrowsAsync<ApiException>(() => host.Get<IMlflowApi>().GetRegisteredModelAsync("cnn_classifier"));

        Assert.Equal("Bearer tok-123", _server.Requests.Single().Authorization);
    }

    [Fact]
    public async Task Should_send_no_credentials_when_none_are_configured()
    {
        await using var host = await StartAsync();

        var unauthenticated = await Assert.ThrowsAsync<ApiException>(() => host.Get<IMlflowApi>().GetRegisteredModelAsync("cnn_classifier"));

        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal(MlflowErrorCode.Unauthenticated, unauthenticated.MlflowError()!.ErrorCode);
    }
}
