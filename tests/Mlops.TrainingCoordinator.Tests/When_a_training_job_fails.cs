using Mlops.Testing;

namespace Mlops.TrainingCoordinator.Tests;

/// <summary>A Job that fails fails the run with the Job's reason and its pod's last log lines; a replay submits a new Job.</summary>
public sealed class When_a_training_job_fails(TrainingSandbox sandbox) : IClassFixture<TrainingSandbox>
{
    [Fact]
    public async Task Should_fail_with_the_jobs_reason_and_log_line_and_complete_with_a_new_job_on_replay_once_fixed()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox);
        // The stack's Secret holds a secret MinIO refuses: the script's upload fails.
        var stack = await rig.NewStackAsync(secretValue: "not-the-secret");
        rig.Desk.Ready(stack);
        var request = CoordinatorRig.Training(stack);
        var id = request.TrainingId!.Value;

        await rig.PublishAsync(request);

        var failed = await rig.FailedAsync(id);
        Assert.Equal("submit-job", failed.Step);
        Assert.Contains("BackoffLimitExceeded", failed.Reason);
        Assert.Contains("SignatureDoesNotMatch", failed.Reason);
        Assert.Contains(failed.LogTail, line => line.Contains("SignatureDoesNotMatch", StringComparison.Ordinal));
        Assert.Contains(failed.LogTail, line => line.StartsWith("Epoch 1/5", StringComparison.Ordinal));
        var (_, run) = await rig.InStateAsync(id, "Failed");
        Assert.Equal("submit-job", run.FailedStep!.Step);
        var firstJob = failed.JobName!;

        await rig.FixSecretAsync(stack);
        await rig.ReplayAsync(id);

        var registered = await rig.RegisteredAsync(id);
        Assert.Equal(run.RunId, registered.RunId);
        var jobs = await rig.JobsAsync(stack.Namespace);
        Assert.Equal(2, jobs.Count);
        var second = Assert.Single(rig.Events.Submitted, e => e.TrainingId == id && e.Attempt == 2);
        Assert.NotEqual(firstJob, second.JobName);
        Assert.Contains(jobs, j => j.Metadata.Name == firstJob && j.Status.Conditions.Any(c => c.Type == "Failed"));
        Assert.Contains(jobs, j => j.Metadata.Name == second.JobName && j.Status.Conditions.Any(c => c.Type == "Complete"));
        Assert.Single(rig.Events.Registered, e => e.TrainingId == id);
    }

    [Fact]
    public async Task Should_name_the_scripts_own_error()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox);
        var stack = await rig.NewStackAsync();
        rig.Desk.Ready(stack);
        var request = CoordinatorRig.Training(stack) with { Parameters = new Dictionary<string, string> { ["epochs"] = "2" } };
        request = request with { Arguments = [.. Mlops.TrainingCoordinator.Training.TrainingPlan.DefaultArguments, "--sandbox-fail"] };

        await rig.PublishAsync(request);

        var failed = await rig.FailedAsync(request.TrainingId!.Value);
        Assert.Contains("RuntimeError: training failed", failed.Reason);
        Assert.Equal("RuntimeError: training failed: the job asked to fail (--sandbox-fail)", failed.LogTail[^1]);
        Assert.Contains("Epoch 2/2", string.Join("\n", failed.LogTail));
        var run = await MlflowReads.RunAsync(sandbox.Sandbox.Mlflow, failed.MlflowRunId!);
        Assert.Equal("FAILED", run.GetProperty("info").GetProperty("status").GetString());
    }
}
