using Mlops.ServiceDefaults.Sagas;
using Mlops.Testing;

namespace Mlops.SagaSteps.Tests;

/// <summary>ReplaySaga re-drives the failed step from the state it failed in; replays of anything but a failure change nothing.</summary>
public sealed class When_a_failed_saga_is_replayed(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Should_rerun_the_failed_step_and_complete_once_the_cause_is_fixed()
    {
        await using var host = await StepHost.StartAsync(sandbox);
        var command = await host.NewModelAsync(artifact: false);
        await host.PublishAsync(command);
        var (_, failed) = await host.InStateAsync(command.CorrelationId, "Failed");
        Assert.Equal("find-artifact", failed.FailedStep!.Step);
        Assert.Null(host.Machine.ReplayRefusal(failed, "Failed"));

        await host.UploadArtifactAsync(command.Bucket, command.ModelName);
        await host.ReplayAsync(command.CorrelationId);

        var (record, saga) = await host.InStateAsync(command.CorrelationId, "Ready");
        Assert.Null(saga.FailedStep);
        Assert.False(string.IsNullOrEmpty(saga.ArtifactETag));
        await Eventually.HoldsAsync(() => host.Events.Ready.Any(e => e.CorrelationId == command.CorrelationId), "ModelHomeReady published");
        var history = await host.HistoryAsync(command.CorrelationId);
        Assert.Equal([("PrepareModelHome", null, "Failed"), ("ReplaySaga", "Failed", "Ready")],
            history.Select(h => (h.Event, h.FromState, h.ToState)).Where(h => h.FromState != h.ToState));

        // A second replay of the same failure, and one of a saga that is not failed: nothing changes, nothing is published.
        var refusal = host.Machine.ReplayRefusal(saga, record.State);
        Assert.Equal($"ModelHomeState {command.CorrelationId} is in state Ready, not Failed: only a failed saga can be replayed.", refusal);
        await host.ReplayAsync(command.CorrelationId);
        await Eventually.HoldsAsync(() => host.Logs.Entries.Any(e => e.Message.Contains("changes nothing", StringComparison.Ordinal)),
            "the replay seen and refused");
        var (after, unchanged) = await host.InStateAsync(command.CorrelationId, "Ready");
        Assert.Equal(saga.ArtifactETag, unchanged.ArtifactETag);
        Assert.Null(unchanged.PendingStep);
        Assert.Single(host.Events.Ready, e => e.CorrelationId == command.CorrelationId);
        Assert.Empty(await host.ErrorQueuesWithMessagesAsync());
    }

    [Fact]
    public async Task Should_fail_again_with_a_fresh_reason_when_the_cause_is_still_there()
    {
        await using var host = await StepHost.StartAsync(sandbox);
        var command = await host.NewModelAsync(registered: false);
        await host.PublishAsync(command);
        var (_, first) = await host.InStateAsync(command.CorrelationId, "Failed");

        await host.ReplayAsync(command.CorrelationId);
        var (_, again) = await host.WaitForAsync(command.CorrelationId,
            (r, s) => r.State == "Failed" && s.FailedStep is { } f && f.FailedAt > first.FailedStep!.FailedAt, "failed a second time");
        Assert.Equal("find-model", again.FailedStep!.Step);
        Assert.Equal(first.FailedStep!.Reason, again.FailedStep.Reason);
        await Eventually.HoldsAsync(() => host.Events.Failed.Count(e => e.CorrelationId == command.CorrelationId) == 2, "a failure event per failure");
    }

    [Fact]
    public async Task Should_ignore_a_replay_meant_for_another_saga_type()
    {
        await using var host = await StepHost.StartAsync(sandbox);
        var command = await host.NewModelAsync(artifact: false);
        await host.PublishAsync(command);
        await host.InStateAsync(command.CorrelationId, "Failed");
        await host.UploadArtifactAsync(command.Bucket, command.ModelName);

        await host.PublishAsync(new Mlops.Contracts.ReplaySaga
        {
            FlowId = Guid.Empty,
            OccurredAt = DateTimeOffset.UtcNow,
            SagaType = "StackState",
            CorrelationId = command.CorrelationId,
            RequestedBy = "ops@example.org",
        });
        await Eventually.HoldsAsync(() => host.Logs.Entries.Any(e => e.Message.Contains("meant for StackState", StringComparison.Ordinal)), "the replay seen");
        var (_, still) = await host.InStateAsync(command.CorrelationId, "Failed");
        Assert.Equal("find-artifact", still.FailedStep!.Step);

        await host.ReplayAsync(command.CorrelationId);
        await host.InStateAsync(command.CorrelationId, "Ready");
    }
}
