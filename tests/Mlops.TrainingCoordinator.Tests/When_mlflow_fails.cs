using Mlops.Sandbox.Faults;
using Mlops.Testing;

namespace Mlops.TrainingCoordinator.Tests;

/// <summary>MLflow's errors: an outage is waited out inside the run; a refusal fails it with MLflow's reason, replayable.</summary>
public sealed class When_mlflow_fails(TrainingSandbox sandbox) : IClassFixture<TrainingSandbox>
{
    [Fact]
    public async Task Should_wait_out_an_outage_of_the_runs_api_and_go_on()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox);
        var stack = await rig.NewStackAsync();
        rig.Desk.Ready(stack);
        var request = CoordinatorRig.Training(stack);
        var id = request.TrainingId!.Value;
        try
        {
            sandbox.Sandbox.Faults.Set("mlflow", "runs", new FaultRule { ErrorRate = 1, StatusCodes = [503] });
            await rig.PublishAsync(request);
            var (_, pending) = await rig.WaitForAsync(id, (r, s) => s.PendingStep is { Step: "create-run", Attempts: >= 2 }, "create-run retried");
            Assert.Contains("503", pending.PendingStep!.LastReason);
        }
        finally
        {
            sandbox.Sandbox.Faults.Clear("mlflow", "runs");
        }

        await rig.RegisteredAsync(id);
        Assert.Single(rig.Events.Started, e => e.TrainingId == id);
    }

    [Fact]
    public async Task Should_fail_with_mlflows_refusal_and_complete_on_replay_once_allowed()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox);
        var stack = await rig.NewStackAsync();
        rig.Desk.Ready(stack);
        var request = CoordinatorRig.Training(stack);
        var id = request.TrainingId!.Value;
        try
        {
            sandbox.Sandbox.Faults.Set("mlflow", "experiments", new FaultRule { ErrorRate = 1, StatusCodes = [403] });
            await rig.PublishAsync(request);
            var failed = await rig.FailedAsync(id);
            Assert.Equal("create-run", failed.Step);
            Assert.StartsWith("HTTP 403 from MLflow", failed.Reason);
            Assert.Empty(await rig.JobsAsync(stack.Namespace));
        }
        finally
        {
            sandbox.Sandbox.Faults.Clear("mlflow", "experiments");
        }

        await rig.ReplayAsync(id);

        await rig.RegisteredAsync(id);
    }
}
