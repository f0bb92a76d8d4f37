using Mlops.Testing;

namespace Mlops.SagaSteps.Tests;

/// <summary>An MLflow that answers 503 to everything for 60 s: the saga waits the outage out at deadlines, then completes.</summary>
public sealed class When_an_outside_system_is_down_for_a_minute(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Should_ride_out_the_outage_and_complete_with_nothing_in_an_error_queue()
    {
        // The product's own backoff shape, compressed: 1 s doubling to 10 s.
        await using var host = await StepHost.StartAsync(sandbox, firstRetry: TimeSpan.FromSeconds(1), maxRetry: TimeSpan.FromSeconds(10));
        var command = await host.NewModelAsync();
        var over = sandbox.StartOutage("mlflow", "*", TimeSpan.FromSeconds(60));
        try
        {
            await host.PublishAsync(command);
            var (_, waiting) = await host.WaitForAsync(command.CorrelationId, (_, s) => s.PendingStep is { Attempts: >= 2 }, "find-model waiting out the outage");
            Assert.Equal("find-model", waiting.PendingStep!.Step);
            Assert.StartsWith("HTTP 503 from MLflow", waiting.PendingStep.LastReason, StringComparison.Ordinal);

            var (record, saga) = await host.InStateAsync(command.CorrelationId, "Ready", TimeSpan.FromSeconds(120));
            Assert.True(DateTimeOffset.UtcNow >= over, "completed only after the outage");
            Assert.Null(saga.FailedStep);
            var retries = (await host.HistoryAsync(command.CorrelationId)).Count(h => h.Event == "SagaStepRetryDue<ModelHomeState>");
            // 1 + 2 + 4 + 8 + 10 + 10 + ... s: at least six retries to cover a minute, far fewer than a fixed 1 s poll.
            Assert.InRange(retries, 6, 20);
        }
        finally
        {
            sandbox.Faults.ClearAll();
        }
        await Eventually.HoldsAsync(() => host.Events.Ready.Any(e => e.CorrelationId == command.CorrelationId), "ModelHomeReady published");
        Assert.Empty(await host.ErrorQueuesWithMessagesAsync());
    }
}
