using Mlops.Contracts;
using Mlops.Testing;

namespace Mlops.TrainingCoordinator.Tests;

/// <summary>A request that cannot run is rejected on arrival with its reason, before anything is created anywhere.</summary>
public sealed class When_a_request_is_invalid(TrainingSandbox sandbox) : IClassFixture<TrainingSandbox>
{
    [Fact]
    public async Task Should_reject_it_with_every_reason_and_create_no_run_and_no_job()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox);
        var stack = await rig.NewStackAsync();
        rig.Desk.Ready(stack);
        var request = CoordinatorRig.Training(stack) with
        {
            ModelName = "cnn/classifier",
            Image = "Registry.Example/Train:latest tag",
            Command = [""],
            Parameters = new Dictionary<string, string> { ["epochs"] = "0" },
        };
        var id = request.TrainingId!.Value;
        sandbox.Sandbox.Requests.Clear();

        await rig.PublishAsync(request);

        var failed = await rig.FailedAsync(id);
        Assert.Equal("validation", failed.Step);
        Assert.StartsWith("StartTraining rejected: ", failed.Reason);
        Assert.Contains("ModelName 'cnn/classifier' must not hold", failed.Reason);
        Assert.Contains("Image 'Registry.Example/Train:latest tag' is not an image reference", failed.Reason);
        Assert.Contains("Command must not hold empty words", failed.Reason);
        Assert.Contains("epochs must be a whole number of at least 1 (got '0')", failed.Reason);
        var (record, run) = await rig.InStateAsync(id, "Rejected");
        Assert.Null(run.Plan);
        Assert.Empty(rig.Desk.Asked);
        Assert.Empty(await rig.JobsAsync(stack.Namespace));
        Assert.DoesNotContain(sandbox.Sandbox.Requests.Snapshot("mlflow"), r => r.Verb == "post");

        // The same id again is the same (rejected) run, not a second one.
        await rig.PublishAsync(request with { ModelName = "cnn_classifier", Image = CoordinatorRig.TrainingImage, Command = [], Parameters = new Dictionary<string, string>() });
        // A run published after it, trained to the end, shows the queue went past the repeat.
        var later = CoordinatorRig.Training(stack);
        await rig.PublishAsync(later);
        await rig.RegisteredAsync(later.TrainingId!.Value);
        var (again, _) = await rig.InStateAsync(id, "Rejected");
        Assert.Equal(record.Version, again.Version);
        Assert.Single(rig.Events.Failed, e => e.TrainingId == id);
        Assert.Single(await rig.JobsAsync(stack.Namespace));
    }

    [Fact]
    public async Task Should_take_the_same_training_id_twice_as_one_run()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox);
        var stack = await rig.NewStackAsync();
        rig.Desk.Ready(stack);
        var request = CoordinatorRig.Training(stack);

        await rig.PublishAsync(request);
        await rig.PublishAsync(request with { OccurredAt = DateTimeOffset.UtcNow });

        var registered = await rig.RegisteredAsync(request.TrainingId!.Value);
        await rig.InStateAsync(request.TrainingId.Value, "Final");
        Assert.Single(await rig.JobsAsync(stack.Namespace));
        Assert.Single(rig.Events.Started, e => e.TrainingId == request.TrainingId);
        Assert.Single(await MlflowReads.VersionsOfRunAsync(sandbox.Sandbox.Mlflow, registered.RunId));
    }
}
