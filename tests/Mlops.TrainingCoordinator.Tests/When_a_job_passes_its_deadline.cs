using Mlops.Testing;

namespace Mlops.TrainingCoordinator.Tests;

/// <summary>A Job still training at its timeout is ended by Kubernetes (activeDeadlineSeconds): the run fails saying so, not later by its own deadline.</summary>
public sealed class When_a_job_passes_its_deadline(LongJobSandbox sandbox) : IClassFixture<LongJobSandbox>
{
    [Fact]
    public async Task Should_fail_with_DeadlineExceeded_and_end_the_MLflow_run_FAILED()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox);
        var stack = await rig.NewStackAsync();
        rig.Desk.Ready(stack);
        // 100 s of spec time is one second in the sandbox (1:100); the pod trains for four.
        var request = CoordinatorRig.Training(stack) with { Timeout = TimeSpan.FromSeconds(100) };
        var id = request.TrainingId!.Value;

        await rig.PublishAsync(request);

        var failed = await rig.FailedAsync(id);
        Assert.Equal("submit-job", failed.Step);
        Assert.Contains($"Job {failed.JobName} failed (DeadlineExceeded): Job was active longer than specified deadline", failed.Reason);
        var job = Assert.Single(await rig.JobsAsync(stack.Namespace));
        Assert.Equal(100, job.Spec.ActiveDeadlineSeconds);
        var (_, run) = await rig.InStateAsync(id, "Failed");
        Assert.Equal("submit-job", run.FailedStep!.Step);
        Assert.Empty(rig.Events.Registered);
        // The script was stopped before it could end its run: the coordinator did.
        var mlflowRun = await MlflowReads.RunAsync(sandbox.Sandbox.Mlflow, failed.MlflowRunId!);
        Assert.Equal("FAILED", mlflowRun.GetProperty("info").GetProperty("status").GetString());
    }
}
