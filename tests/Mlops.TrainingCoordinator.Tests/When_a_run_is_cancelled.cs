using Mlops.Testing;

namespace Mlops.TrainingCoordinator.Tests;

/// <summary>CancelSaga deletes the run's Job (background propagation) and ends the run Cancelled, announcing it.</summary>
public sealed class When_a_run_is_cancelled(TrainingSandbox sandbox) : IClassFixture<TrainingSandbox>
{
    [Fact]
    public async Task Should_delete_the_job_and_end_cancelled()
    {
        // A pod that keeps pulling an image that does not exist: the Job stays, the run waits, until it is cancelled.
        await using var rig = await CoordinatorRig.StartAsync(sandbox, new Dictionary<string, string?> { ["Training:ImagePullGrace"] = "01:00:00" });
        var stack = await rig.NewStackAsync();
        rig.Desk.Ready(stack);
        var request = CoordinatorRig.Training(stack) with { Image = "registry.invalid/cnn-train:1.0" };
        var id = request.TrainingId!.Value;
        await rig.PublishAsync(request);
        var (_, waiting) = await rig.WaitForAsync(id, (r, s) => r.State == "Submitted" && s.JobStatus is not null, "the pod's wait reported");
        Assert.Contains("cannot pull image registry.invalid/cnn-train:1.0", waiting.JobStatus);
        Assert.Single(await rig.JobsAsync(stack.Namespace));

        await rig.CancelAsync(id, "wrong image");

        var cancelled = await rig.CancelledAsync(id);
        Assert.Equal("cancel", cancelled.Step);
        Assert.Equal("cancelled by ops@example.org: wrong image", cancelled.Reason);
        var (record, run) = await rig.InStateAsync(id, "Cancelled");
        Assert.Equal("ops@example.org", run.CancelledBy);
        Assert.Null(record.DeadlineAt);
        await Eventually.HoldsAsync(async () => (await rig.JobsAsync(stack.Namespace)).Count == 0, "the Job deleted");
        Assert.Contains(sandbox.Sandbox.Requests.Snapshot("kubernetes"), r => r.Verb == "delete" && r.Resource == "jobs" && r.Name == run.JobName);
    }

    [Fact]
    public async Task Should_end_a_run_waiting_for_its_stack_without_anything_to_delete()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox);
        var stack = await rig.NewStackAsync();
        var request = CoordinatorRig.Training(stack);
        var id = request.TrainingId!.Value;
        await rig.PublishAsync(request);
        await rig.WaitForAsync(id, (r, s) => r.State == "WaitingForStack" && s.StackLastSeen is not null, "waiting");

        await rig.CancelAsync(id);
        await rig.InStateAsync(id, "Cancelled");
        await rig.PublishAsync(stack);

        var cancelled = await rig.CancelledAsync(id);
        Assert.Equal("cancelled by ops@example.org", cancelled.Reason);
        await rig.InStateAsync(id, "Cancelled");
        Assert.Empty(await rig.JobsAsync(stack.Namespace));
    }
}
