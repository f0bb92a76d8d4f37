using System.Net;
using Mlops.Clients.Mlflow;
using Mlops.Clients.Mlflow.Model;
using Mlops.Clients.Resilience;
using Mlops.Sandbox.Faults;
using Mlops.Testing;
using Polly.CircuitBreaker;
using Refit;

namespace Mlops.Clients.Tests;

/// <summary>What the MLflow client retries (counted in the sandbox's request log), what it does not, and its breaker.</summary>
public sealed class MlflowResilienceTests(ClientsSandbox sandbox) : IClassFixture<ClientsSandbox>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        sandbox.Host.Faults.ClearAll();
        return Task.CompletedTask;
    }

    private Task<ClientHost> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Mlflow:Resilience:RetryDelay"] = "00:00:00.020",
            ["Mlflow:Resilience:MaxRetryDelay"] = "00:00:00.200",
        };
        foreach (var (k, v) in settings ?? [])
            all[k] = v;
        return ClientHost.StartAsync(sandbox.Settings(all), b => b.AddMlflowClient());
    }

    private int Requests(string group, string resource, string name) =>
        sandbox.Host.Requests.Snapshot("mlflow").Count(r => r.Group == group && r.Resource == resource && r.Name == name);

    [Fact]
    public async Task Should_retry_a_burst_of_503s_until_every_call_succeeds()
    {
        await using var host = await StartAsync(new() { ["Mlflow:Resilience:MaxRetryAttempts"] = "6" });
        var mlflow = host.Get<IMlflowApi>();
        var prefix = $"burst-{Guid.NewGuid():N}"[..14];
        sandbox.Host.Faults.Seed(11);
        sandbox.Host.Faults.Set("mlflow", "registered-models", new FaultRule { ErrorRate = 0.5, StatusCodes = [503] });

        for (var i = 0; i < 6; i++)
            await mlflow.CreateRegisteredModelAsync(new CreateRegisteredModelRequest { Name = $"{prefix}-{i}" });

        sandbox.Host.Faults.ClearAll();
        var creates = sandbox.Host.Requests.Snapshot("mlflow").Where(r => r.Resource == "create" && r.Group == "registered-models").ToList();
        Assert.Contains(creates, r => r.Fault is not null && r.StatusCode == 503);
        Assert.Equal(6, (await mlflow.SearchRegisteredModelsAsync($"name LIKE '{prefix}-%'")).RegisteredModels.Count);
    }

    [Fact]
    public async Task Should_not_create_a_version_again_after_an_answer_that_may_come_after_it_was_made()
    {
        await using var host = await StartAsync();
        var mlflow = host.Get<IMlflowApi>();
        var name = $"once-{Guid.NewGuid():N}";
        await mlflow.CreateRegisteredModelAsync(new CreateRegisteredModelRequest { Name = name });
        var request = new CreateModelVersionRequest { Name = name, Source = "s3://mlflow/0/r1/artifacts/model" };
        int Creates() => sandbox.Host.Requests.Snapshot("mlflow").Count(r => r.Group == "model-versions" && r.Resource == "create");
        var before = Creates();

        // A 500 may come after the version was made: sent once, and the caller decides (its step looks before it creates).
        sandbox.Host.Faults.Set("mlflow", "model-versions", new FaultRule { ErrorRate = 1, StatusCodes = [500] });
        var failed = await Assert.ThrowsAsync<ApiException>(() => mlflow.CreateModelVersionAsync(request));
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(before + 1, Creates());

        // A 503 turned it away: retried in place like every call, here until the attempts (1 + MaxRetryAttempts 3) ran out.
        sandbox.Host.Faults.Set("mlflow", "model-versions", new FaultRule { ErrorRate = 1, StatusCodes = [503] });
        await Assert.ThrowsAsync<ApiException>(() => mlflow.CreateModelVersionAsync(request));
        Assert.Equal(before + 1 + 4, Creates());
    }

    [Fact]
    public async Task Should_ask_once_for_what_does_not_exist()
    {
        await using var host = await StartAsync();
        var name = $"absent-{Guid.NewGuid():N}";

        Assert.Null(await host.Get<IMlflowApi>().FindRegisteredModelAsync(name));

        Assert.Equal(1, Requests("registered-models", "get", name));
    }

    [Fact]
    public async Task Should_not_retry_a_refused_request()
    {
        await using var host = await StartAsync();
        var mlflow = host.Get<IMlflowApi>();
        var name = $"dup-{Guid.NewGuid():N}";
        await mlflow.CreateRegisteredModelAsync(new CreateRegisteredModelRequest { Name = name });
        var createsBefore = Creates();
        var exists = await Assert.ThrowsAsync<ApiException>(() => mlflow.CreateRegisteredModelAsync(new CreateRegisteredModelRequest { Name = name }));
        sandbox.Host.Faults.Set("mlflow", "model-versions", new FaultRule { ErrorRate = 1, StatusCodes = [422] });

        var unprocessable = await Assert.ThrowsAsync<ApiException>(() => mlflow.GetModelVersionAsync(name, "1"));

        Assert.Equal(HttpStatusCode.BadRequest, exists.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unprocessable.StatusCode);
        Assert.Equal(1, Requests("model-versions", "get", name));
        Assert.Equal(createsBefore + 1, Creates());

        int Creates() => sandbox.Host.Requests.Snapshot("mlflow").Count(r => r.Group == "registered-models" && r.Resource == "create");
    }

    [Fact]
    public async Task Should_open_the_breaker_under_a_full_outage_and_show_it_in_the_gauge()
    {
        await using var host = await StartAsync(new()
        {
            ["Mlflow:Resilience:MaxRetryAttempts"] = "1",
            ["Mlflow:Resilience:MinimumThroughput"] = "4",
            ["Mlflow:Resilience:BreakDuration"] = "00:01:00",
        });
        var mlflow = host.Get<IMlflowApi>();
        await mlflow.GetHealthAsync();
        Assert.Equal(0, CircuitStateReading.Read(host.Services, OutsideSystem.Mlflow));
        sandbox.Host.Faults.Set("mlflow", "*", new FaultRule { Outages = [new OutageWindow(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1))] });

        await Eventually.ReturnsAsync(async () =>
        {
            try
            {
                await mlflow.GetRegisteredModelAsync("during-outage");
                return null;
            }
            catch (BrokenCircuitException ex)
            {
                return ex;
            }
            catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Assert.Equal(MlflowErrorCode.TemporarilyUnavailable, ex.MlflowError()?.ErrorCode);
                return null;
            }
        }, "the breaker to open");
        var reached = Requests("registered-models", "get", "during-outage");
        await Assert.ThrowsAsync<BrokenCircuitException>(() => mlflow.GetRegisteredModelAsync("during-outage"));

        Assert.Equal(1, CircuitStateReading.Read(host.Services, OutsideSystem.Mlflow));
        Assert.Equal(reached, Requests("registered-models", "get", "during-outage"));
    }
}
