using Mlops.Contracts;
using Mlops.Testing;

namespace Mlops.TrainingCoordinator.Tests;

/// <summary>Nothing is created before the stack is known ready: a run waits for StackReady, or learns it by asking.</summary>
public sealed class When_a_run_waits_for_its_stack(TrainingSandbox sandbox) : IClassFixture<TrainingSandbox>
{
    [Fact]
    public async Task Should_wait_for_StackReady_without_creating_anything_then_proceed()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox);
        var stack = await rig.NewStackAsync();
        var request = CoordinatorRig.Training(stack);
        var id = request.TrainingId!.Value;

        await rig.PublishAsync(request);
        var (_, waiting) = await rig.WaitForAsync(id, (r, s) => r.State == "WaitingForStack" && s.StackLastSeen is not null, "the stack asked about");
        Assert.Contains("not known to the Provisioner", waiting.StackLastSeen);
        Assert.Contains(rig.Desk.Asked, q => q.StackName == stack.StackName && q.FlowId == request.FlowId);
        Assert.Null(waiting.RunId);
        Assert.Empty(await rig.JobsAsync(stack.Namespace));
        Assert.Empty(rig.Events.Started);

        await rig.PublishAsync(stack);

        var registered = await rig.RegisteredAsync(id);
        Assert.Equal(stack.StackName, registered.StackName);
        Assert.Single(await rig.JobsAsync(stack.Namespace));
    }

    [Fact]
    public async Task Should_proceed_at_once_when_the_stack_became_ready_before_the_coordinator_started()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox, startCoordinator: false);
        var stack = await rig.NewStackAsync();
        // StackReady went by while no coordinator listened; the Provisioner still knows.
        await rig.PublishAsync(stack);
        rig.Desk.Ready(stack);
        rig.StartCoordinator();
        var request = CoordinatorRig.Training(stack);

        await rig.PublishAsync(request);

        await rig.RegisteredAsync(request.TrainingId!.Value);
        Assert.Contains(rig.Desk.Asked, q => q.StackName == stack.StackName);
    }

    [Fact]
    public async Task Should_let_every_run_waiting_for_the_stack_proceed_on_one_StackReady()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox);
        var stack = await rig.NewStackAsync();
        var first = CoordinatorRig.Training(stack);
        var second = CoordinatorRig.Training(stack);
        await rig.PublishAsync(first);
        await rig.PublishAsync(second);
        await rig.WaitForAsync(first.TrainingId!.Value, (r, s) => r.State == "WaitingForStack" && s.StackLastSeen is not null, "first run waiting");
        await rig.WaitForAsync(second.TrainingId!.Value, (r, s) => r.State == "WaitingForStack" && s.StackLastSeen is not null, "second run waiting");

        await rig.PublishAsync(stack);

        var one = await rig.RegisteredAsync(first.TrainingId.Value);
        var two = await rig.RegisteredAsync(second.TrainingId.Value);
        Assert.NotEqual(one.RunId, two.RunId);
        Assert.Equal(2, (await rig.JobsAsync(stack.Namespace)).Count);
    }

    [Fact]
    public async Task Should_fail_the_waiting_run_with_the_stacks_reason_and_proceed_on_replay_once_it_is_ready()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox);
        var stack = await rig.NewStackAsync();
        var request = CoordinatorRig.Training(stack);
        var id = request.TrainingId!.Value;
        await rig.PublishAsync(request);
        await rig.WaitForAsync(id, (r, s) => r.State == "WaitingForStack" && s.StackLastSeen is not null, "waiting");

        await rig.PublishAsync(new StackProvisioningFailed
        {
            FlowId = stack.FlowId,
            OccurredAt = DateTimeOffset.UtcNow,
            StackName = stack.StackName,
            Step = "secrets",
            Reason = "SealedSecret minio-credentials: no key could decrypt secret (AWS_SECRET_ACCESS_KEY)",
        });

        var failed = await rig.FailedAsync(id);
        Assert.Equal("wait-for-stack", failed.Step);
        Assert.Contains("failed at step secrets", failed.Reason);
        Assert.Contains("no key could decrypt secret", failed.Reason);
        var (_, run) = await rig.InStateAsync(id, "Failed");
        Assert.Equal("wait-for-stack", run.FailedStep!.Step);
        Assert.Empty(await rig.JobsAsync(stack.Namespace));

        rig.Desk.Ready(stack);
        await rig.ReplayAsync(id);

        await rig.RegisteredAsync(id);
    }

    [Fact]
    public async Task Should_fail_at_once_when_the_Provisioner_says_the_stack_failed()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox);
        var stack = await rig.NewStackAsync();
        rig.Desk.Failed(stack.StackName, "buckets", "MinIO refused: AccessDenied");
        var request = CoordinatorRig.Training(stack);

        await rig.PublishAsync(request);

        var failed = await rig.FailedAsync(request.TrainingId!.Value);
        Assert.Equal("wait-for-stack", failed.Step);
        Assert.Contains($"stack {stack.StackName} failed at step buckets: MinIO refused: AccessDenied", failed.Reason);
    }
}
