using Mlops.Sandbox.Faults;
using Mlops.ServiceDefaults.Messaging;
using Mlops.Testing;
using Refit;

namespace Mlops.ServiceDefaults.Tests.Failures;

/// <summary>Refit's real exceptions from MLflow's REST API on the MLflow stand-in, classified by status and MLflow's error code.</summary>
public sealed class When_MLflow_answers_an_error_through_Refit(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private IMlflowRegistryApi Registry(Uri? url = null) => RestService.For<IMlflowRegistryApi>(new HttpClient { BaseAddress = url ?? sandbox.MlflowUrl });

    [Theory]
    [InlineData(503, "TEMPORARILY_UNAVAILABLE")]
    [InlineData(429, "REQUEST_LIMIT_EXCEEDED")]
    public async Task Should_call_an_unavailable_or_throttling_registry_transient(int status, string errorCode)
    {
        sandbox.Faults.Set("mlflow", "registered-models", new FaultRule { ErrorRate = 1, StatusCodes = [status] });
        try
        {
            var ex = await Assert.ThrowsAsync<ApiException>(() => Registry().GetRegisteredModelAsync("cnn_classifier"));
            var failure = TransientErrors.Classify(ex);
            Assert.Equal(OutsideFailureKind.Transient, failure.Kind);
            Assert.Equal(status, failure.StatusCode);
            Assert.StartsWith($"HTTP {status} from MLflow ({errorCode})", failure.Reason, StringComparison.Ordinal);
        }
        finally
        {
            sandbox.Faults.Clear("mlflow", "registered-models");
        }
    }

    [Fact]
    public async Task Should_call_a_missing_model_permanent_with_MLflows_message()
    {
        var ex = await Assert.ThrowsAsync<ApiException>(() => Registry().GetRegisteredModelAsync("absent-" + Guid.NewGuid().ToString("N")));
        var failure = TransientErrors.Classify(ex);
        Assert.Equal(OutsideFailureKind.Permanent, failure.Kind);
        Assert.Equal(404, failure.StatusCode);
        Assert.StartsWith("HTTP 404 from MLflow (RESOURCE_DOES_NOT_EXIST): ", failure.Reason, StringComparison.Ordinal);
        Assert.False(TransientErrors.IsTransient(ex));
    }

    [Fact]
    public async Task Should_call_an_existing_model_permanent_as_MLflow_answers_it_with_400()
    {
        var name = "model-" + Guid.NewGuid().ToString("N")[..8];
        await Registry().CreateRegisteredModelAsync(new { name });
        var ex = await Assert.ThrowsAsync<ApiException>(() => Registry().CreateRegisteredModelAsync(new { name }));
        var failure = TransientErrors.Classify(ex);
        Assert.Equal(OutsideFailureKind.Permanent, failure.Kind);
        Assert.StartsWith("HTTP 400 from MLflow (RESOURCE_ALREADY_EXISTS)", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_classify_an_exception_built_by_Refits_own_factory_like_a_real_one()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(sandbox.MlflowUrl, "api/2.0/mlflow/runs/update"));
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.Conflict)
        {
            RequestMessage = request,
            Content = new StringContent("{\"error_code\": \"RESOURCE_CONFLICT\", \"message\": \"run was updated concurrently\"}"),
        };
        var ex = await ApiException.Create(request, HttpMethod.Post, response, new RefitSettings());
        Assert.Equal(new OutsideFailure(OutsideFailureKind.Conflict, 409, "HTTP 409 from MLflow (RESOURCE_CONFLICT): run was updated concurrently"),
            TransientErrors.Classify(ex));
    }

    [Fact]
    public async Task Should_call_a_refused_connection_transient()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => Registry(ClosedPort.Url()).GetRegisteredModelAsync("cnn_classifier"));
        var failure = TransientErrors.Classify(ex);
        Assert.Equal(OutsideFailureKind.Transient, failure.Kind);
        Assert.Null(failure.StatusCode);
    }
}
