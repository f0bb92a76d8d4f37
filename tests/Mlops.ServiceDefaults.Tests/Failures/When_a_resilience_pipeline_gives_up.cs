using Mlops.Sandbox.Faults;
using Mlops.ServiceDefaults.Messaging;
using Mlops.Testing;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Mlops.ServiceDefaults.Tests.Failures;

/// <summary>Polly's own exceptions, thrown by real pipelines around real calls: an open breaker and a timeout are transient.</summary>
public sealed class When_a_resilience_pipeline_gives_up(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Should_call_an_open_circuit_transient()
    {
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = 0.5,
                MinimumThroughput = 2,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(30),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { IsSuccessStatusCode: false } || args.Outcome.Exception is not null),
            })
            .Build();
        sandbox.Faults.Set("mlflow", "experiments", new FaultRule { ErrorRate = 1, StatusCodes = [503] });
        try
        {
            for (var i = 0; i < 2; i++)
            {
                using var answer = await pipeline.ExecuteAsync(ct => new ValueTask<HttpResponseMessage>(
                    sandbox.Mlflow.GetAsync("api/2.0/mlflow/experiments/get?experiment_id=0", ct)));
            }
            var ex = await Assert.ThrowsAsync<BrokenCircuitException>(async () => await pipeline.ExecuteAsync(ct =>
                new ValueTask<HttpResponseMessage>(sandbox.Mlflow.GetAsync("api/2.0/mlflow/experiments/get?experiment_id=0", ct))));
            var failure = TransientErrors.Classify(ex);
            Assert.Equal(OutsideFailureKind.Transient, failure.Kind);
            Assert.Contains("circuit breaker is open", failure.Reason, StringComparison.Ordinal);
        }
        finally
        {
            sandbox.Faults.Clear("mlflow", "experiments");
        }
    }

    [Fact]
    public async Task Should_call_a_pipeline_timeout_transient()
    {
        var pipeline = new ResiliencePipelineBuilder().AddTimeout(TimeSpan.FromMilliseconds(100)).Build();
        sandbox.Faults.Set("mlflow", "experiments", new FaultRule { LatencyMilliseconds = 2_000 });
        try
        {
            var ex = await Assert.ThrowsAsync<TimeoutRejectedException>(async () => await pipeline.ExecuteAsync(async ct =>
            {
                using var answer = await sandbox.Mlflow.GetAsync("api/2.0/mlflow/experiments/get?experiment_id=0", ct);
            }));
            Assert.Equal(new OutsideFailure(OutsideFailureKind.Transient, null, "timed out"), TransientErrors.Classify(ex));
        }
        finally
        {
            sandbox.Faults.Clear("mlflow", "experiments");
        }
    }

    [Fact]
    public async Task Should_call_an_HttpClient_timeout_transient()
    {
        using var client = new HttpClient { BaseAddress = sandbox.MlflowUrl, Timeout = TimeSpan.FromMilliseconds(100) };
        sandbox.Faults.Set("mlflow", "experiments", new FaultRule { LatencyMilliseconds = 2_000 });
        try
        {
            var ex = await Assert.ThrowsAsync<TaskCanceledException>(() => client.GetAsync("api/2.0/mlflow/experiments/get?experiment_id=0"));
            Assert.IsType<TimeoutException>(ex.InnerException);
            Assert.Equal(OutsideFailureKind.Transient, TransientErrors.Classify(ex).Kind);
        }
        finally
        {
            sandbox.Faults.Clear("mlflow", "experiments");
        }
    }
}
