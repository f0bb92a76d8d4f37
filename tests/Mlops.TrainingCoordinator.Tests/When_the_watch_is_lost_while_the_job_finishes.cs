using k8s;
using Mlops.Sandbox.Faults;
using Mlops.Testing;

namespace Mlops.TrainingCoordinator.Tests;

/// <summary>
/// The API server ends the watch and then refuses the Jobs API while the Job finishes: nobody sees the change, so once the
/// server answers again the watcher's list must report it, and the run completes.
/// </summary>
public sealed class When_the_watch_is_lost_while_the_job_finishes(BlindWatchSandbox sandbox) : IClassFixture<BlindWatchSandbox>
{
    [Fact]
    public async Task Should_list_again_when_the_server_answers_and_complete_the_run_once()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox);
        var stack = await rig.NewStackAsync();
        rig.Desk.Ready(stack);
        var request = CoordinatorRig.Training(stack);
        var id = request.TrainingId!.Value;
        await rig.PublishAsync(request);
        var submitted = await Eventually.ReturnsAsync(() => Task.FromResult(rig.Events.Submitted.FirstOrDefault(e => e.TrainingId == id)), "the Job submitted");

        try
        {
            sandbox.Sandbox.Faults.Set("kubernetes", "batch", new FaultRule { ErrorRate = 1, StatusCodes = [503] });
            await Eventually.HoldsAsync(() => sandbox.Sandbox.Requests.Snapshot("kubernetes")
                    .Any(r => r.Verb == "list" && r.Resource == "jobs" && r.Namespace == stack.Namespace && r.StatusCode == 503),
                "the watcher's list of the Jobs refused");
            // The Job finishes while the watcher cannot look (its Events are in the core group, which still answers).
            await Eventually.HoldsAsync(async () => (await rig.Kubernetes.CoreV1.ListNamespacedEventAsync(stack.Namespace)).Items
                    .Any(e => e.InvolvedObject.Name == submitted.JobName && e.Reason == "Completed"),
                "the Job complete", TimeSpan.FromSeconds(60));
            var (blind, _) = await rig.FindAsync(id) ?? throw new InvalidOperationException("the run is not stored");
            Assert.True(blind.State is "Submitted" or "Running", $"the run is {blind.State} before the watcher saw the Job finish");
            Assert.Empty(rig.Events.Succeeded);
        }
        finally
        {
            sandbox.Sandbox.Faults.Clear("kubernetes", "batch");
        }

        var registered = await rig.RegisteredAsync(id);
        Assert.Equal(submitted.MlflowRunId, registered.RunId);
        Assert.Single(await rig.JobsAsync(stack.Namespace));
        Assert.Single(rig.Events.Succeeded, e => e.TrainingId == id);
        Assert.Contains(rig.Coordinator!.Logs.Entries, e => e.Message.Contains($"Watching Jobs in {stack.Namespace} failed", StringComparison.Ordinal));
        await rig.InStateAsync(id, "Final");
    }
}
