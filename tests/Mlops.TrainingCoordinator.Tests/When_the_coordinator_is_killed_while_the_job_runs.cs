using Mlops.Testing;

namespace Mlops.TrainingCoordinator.Tests;

/// <summary>
/// The coordinator as a real process, SIGKILLed while its Job runs and started again on the same store: the watcher lists
/// again, the run completes once, and one Job exists.
/// </summary>
public sealed class When_the_coordinator_is_killed_while_the_job_runs(LongJobSandbox sandbox) : IClassFixture<LongJobSandbox>
{
    [Fact]
    public async Task Should_complete_the_run_once_with_one_job_after_a_restart()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox, startCoordinator: false);
        var settings = new Dictionary<string, string?>(rig.Settings) { ["RABBITMQ_URL"] = rig.VirtualHost.AmqpUrl.ToString() };
        await using var coordinator = await ServiceProcess.StartAsync("Mlops.TrainingCoordinator", settings);
        var stack = await rig.NewStackAsync();
        rig.Desk.Ready(stack);
        var request = CoordinatorRig.Training(stack);
        var id = request.TrainingId!.Value;

        await rig.PublishAsync(request);
        var submitted = await Eventually.ReturnsAsync(() => Task.FromResult(rig.Events.Submitted.FirstOrDefault(e => e.TrainingId == id)), "the Job submitted");
        await coordinator.KillAsync();
        // The Job runs on and finishes while nobody watches.
        await Eventually.HoldsAsync(async () => (await rig.JobsAsync(stack.Namespace)).Single().Status?.Succeeded == 1, "the Job complete", TimeSpan.FromSeconds(60));
        Assert.Empty(rig.Events.Registered);

        await coordinator.RestartAsync();

        var registered = await rig.RegisteredAsync(id);
        Assert.Equal(submitted.MlflowRunId, registered.RunId);
        var job = Assert.Single(await rig.JobsAsync(stack.Namespace));
        Assert.Equal(submitted.JobName, job.Metadata.Name);
        Assert.Single(rig.Events.Submitted, e => e.TrainingId == id);
        Assert.Single(await MlflowReads.VersionsOfRunAsync(sandbox.Sandbox.Mlflow, registered.RunId));
        await Eventually.HoldsAsync(() => coordinator.Output.Any(l => l.Contains("Watching training Jobs and Workflows in namespace " + stack.Namespace, StringComparison.Ordinal)),
            "the restarted watcher on the run's namespace");
        Assert.DoesNotContain(coordinator.Output, l => l.Contains(sandbox.SecretKey, StringComparison.Ordinal));
        // Nothing more arrives: the run is finished, its reports change nothing.
        await rig.PublishAsync(request);
        var later = CoordinatorRig.Training(stack);
        await rig.PublishAsync(later);
        await rig.RegisteredAsync(later.TrainingId!.Value);
        Assert.Single(rig.Events.Registered, e => e.TrainingId == id);
    }
}
