using Mlops.Sandbox.Faults;
using Mlops.Testing;

namespace Mlops.SagaSteps.Tests;

/// <summary>A system that stays unavailable past the step's own deadline: the saga fails with how long it tried and the last answer.</summary>
public sealed class When_a_step_outlives_its_deadline(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Should_fail_with_the_time_it_kept_trying_and_the_last_reason()
    {
        await using var host = await StepHost.StartAsync(sandbox, stepDeadline: TimeSpan.FromSeconds(2));
        var command = await host.NewModelAsync();
        sandbox.Faults.Set("mlflow", "registered-models", new FaultRule { ErrorRate = 1, StatusCodes = [503] });
        var published = DateTimeOffset.UtcNow;
        try
        {
            await host.PublishAsync(command);
            var (record, saga) = await host.InStateAsync(command.CorrelationId, "Failed");
            var failure = saga.FailedStep!;
            Assert.Equal("find-model", failure.Step);
            Assert.Equal("Transient", failure.Kind);
            Assert.Equal(503, failure.StatusCode);
            Assert.True(failure.Attempts >= 3, $"{failure.Attempts} attempts");
            Assert.Matches(@"^still failing after [2-9] s: HTTP 503 from MLflow \(TEMPORARILY_UNAVAILABLE\)", failure.Reason);
            Assert.True(failure.FailedAt - published >= TimeSpan.FromSeconds(2), $"failed after {failure.FailedAt - published}");
            Assert.Null(record.DeadlineAt);
        }
        finally
        {
            sandbox.Faults.Clear("mlflow", "registered-models");
        }
        await Eventually.HoldsAsync(() => host.Events.Failed.Any(e => e.CorrelationId == command.CorrelationId), "ModelHomeFailed published");
        Assert.Empty(await host.ErrorQueuesWithMessagesAsync());
    }
}
