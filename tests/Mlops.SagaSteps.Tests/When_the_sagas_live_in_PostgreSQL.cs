using Mlops.Sandbox.Faults;
using Mlops.Testing;

namespace Mlops.SagaSteps.Tests;

/// <summary>The same steps on the PostgreSQL store, which keeps deadlines as timestamptz: retries line up with what was stored.</summary>
public sealed class When_the_sagas_live_in_PostgreSQL(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Should_retry_at_deadlines_then_fail_for_good_and_complete_after_a_replay()
    {
        await using var schema = await PostgresSchema.CreateAsync("saga_steps");
        await using var host = await StepHost.StartAsync(sandbox, postgres: schema);
        var command = await host.NewModelAsync(artifact: false);
        sandbox.Faults.Set("mlflow", "registered-models", new FaultRule { ErrorRate = 1, StatusCodes = [503] });
        try
        {
            await host.PublishAsync(command);
            await host.WaitForAsync(command.CorrelationId, (_, s) => s.PendingStep is { Attempts: >= 3, Step: "find-model" }, "find-model tried three times");
        }
        finally
        {
            sandbox.Faults.Clear("mlflow", "registered-models");
        }

        var (_, failed) = await host.InStateAsync(command.CorrelationId, "Failed");
        Assert.Equal("find-artifact", failed.FailedStep!.Step);
        Assert.Equal(1L, await schema.ScalarAsync("SELECT count(*) FROM saga_model_home_state WHERE state = 'Failed' AND deadline_at IS NULL"));

        await host.UploadArtifactAsync(command.Bucket, command.ModelName);
        await host.ReplayAsync(command.CorrelationId);
        await host.InStateAsync(command.CorrelationId, "Ready");
        await Eventually.HoldsAsync(() => host.Events.Ready.Any(e => e.CorrelationId == command.CorrelationId), "ModelHomeReady published");
        Assert.Empty(await host.ErrorQueuesWithMessagesAsync());
    }
}
