using Mlops.Sandbox.Faults;
using Mlops.Testing;

namespace Mlops.SagaSteps.Tests;

/// <summary>
/// Each client's throttling and unavailability (past its own retries) is waited out inside the saga: the step is tried
/// again at deadlines, each attempt counted, and the saga completes once the system answers; nothing reaches an error queue.
/// </summary>
public sealed class When_an_outside_system_answers_429_or_503(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    public static TheoryData<string, string, string, int> Faults => new()
    {
        { "mlflow", "registered-models", "find-model", 503 },
        { "mlflow", "registered-models", "find-model", 429 },
        { "s3", "object", "find-artifact", 503 },
        { "s3", "object", "find-artifact", 429 },
        { "kubernetes", "core", "record-home", 503 },
        { "kubernetes", "core", "record-home", 429 },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Should_retry_the_step_at_deadlines_and_complete_once_it_answers(string standIn, string group, string step, int status)
    {
        await using var host = await StepHost.StartAsync(sandbox);
        var command = await host.NewModelAsync();
        sandbox.Faults.Set(standIn, group, new FaultRule { ErrorRate = 1, StatusCodes = [status] });
        try
        {
            await host.PublishAsync(command);
            var (record, saga) = await host.WaitForAsync(command.CorrelationId,
                (_, s) => s.PendingStep is { Attempts: >= 3 } p && p.Step == step, $"{step} tried three times");
            // The Minio SDK reads no status from a body-less HEAD answer (StatObject); the others report theirs.
            Assert.StartsWith(standIn == "s3" ? "MinIO answered an error without a body" : $"HTTP {status} from ", saga.PendingStep!.LastReason, StringComparison.Ordinal);
            Assert.Null(saga.FailedStep);
        }
        finally
        {
            sandbox.Faults.Clear(standIn, group);
        }

        var (_, done) = await host.InStateAsync(command.CorrelationId, "Ready");
        Assert.Null(done.PendingStep);
        await Eventually.HoldsAsync(() => host.Events.Ready.Any(e => e.CorrelationId == command.CorrelationId), "ModelHomeReady published");
        Assert.DoesNotContain(host.Events.Failed, e => e.CorrelationId == command.CorrelationId);

        var history = await host.HistoryAsync(command.CorrelationId);
        Assert.True(history.Count(h => h.Event == "SagaStepRetryDue<ModelHomeState>") >= 3, string.Join(", ", history.Select(h => h.Event)));
        Assert.All(history, h => Assert.Null(h.Error));
        Assert.Equal("Ready", history[^1].ToState);
        Assert.Empty(await host.ErrorQueuesWithMessagesAsync());
    }
}
