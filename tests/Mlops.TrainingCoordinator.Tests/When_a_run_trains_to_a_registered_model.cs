using Mlops.Testing;

namespace Mlops.TrainingCoordinator.Tests;

/// <summary>The happy path with the sandbox's training hook: a Job joins the tagged MLflow run, the script registers, the version is READY.</summary>
public sealed class When_a_run_trains_to_a_registered_model(TrainingSandbox sandbox) : IClassFixture<TrainingSandbox>
{
    [Fact]
    public async Task Should_announce_the_READY_version_with_the_runs_metrics_and_tag_the_run_with_the_flow()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox);
        var stack = await rig.NewStackAsync();
        rig.Desk.Ready(stack);
        var request = CoordinatorRig.Training(stack);
        request = request with
        {
            Arguments = ["--save_dir", "models", "--arch", "vgg16", "--epochs", "3", "--registered-model-name", request.ModelName],
            ScriptRegistersModel = true,
        };
        var id = request.TrainingId!.Value;

        await rig.PublishAsync(request);

        var registered = await Eventually.ReturnsAsync(() => Task.FromResult(rig.Events.Registered.FirstOrDefault(e => e.TrainingId == id)), "ModelRegistered",
            TimeSpan.FromSeconds(60));
        Assert.Equal(request.FlowId, registered.FlowId);
        Assert.Equal(request.ModelName, registered.ModelName);
        Assert.Equal(stack.StackName, registered.StackName);
        var mlflow = sandbox.Sandbox.Mlflow;
        var version = await MlflowReads.VersionAsync(mlflow, request.ModelName, registered.Version);
        Assert.Equal("READY", version.GetProperty("status").GetString());
        Assert.Equal(registered.RunId, version.GetProperty("run_id").GetString());
        Assert.Equal(version.GetProperty("source").GetString(), registered.Source);

        var run = await MlflowReads.RunAsync(mlflow, registered.RunId);
        Assert.Equal(request.FlowId.ToString("D"), MlflowReads.Tag(run, "mlops.flow_id"));
        Assert.Equal(id.ToString("D"), MlflowReads.Tag(run, "mlops.training_id"));
        Assert.Equal(stack.StackName, MlflowReads.Tag(run, "mlops.stack"));
        Assert.Equal("FINISHED", run.GetProperty("info").GetProperty("status").GetString());
        Assert.Equal(MlflowReads.Metric(run, "accuracy"), registered.Metrics["accuracy"]);
        Assert.True(registered.Metrics.ContainsKey("validation_loss"));

        var (record, _) = await rig.InStateAsync(id, "Final");
        Assert.NotNull(record.FinishedAt);
        // One message may pass several states; the history has where each left the run.
        var history = await rig.HistoryAsync(id);
        Assert.Equal(("StartTraining", "WaitingForStack"), (history[0].Event, history[0].ToState));
        Assert.Contains(history, h => h.Event == "StackStatus" && h.ToState == "Submitted");
        Assert.Contains(history, h => h.Event == "TrainingJobObserved" && h.FromState is "Submitted" or "Running" && h.ToState == "Registering");
        // The version is created by the registration deadline's message alone, which fires once however many replicas saw the Job succeed.
        Assert.Single(history, h => h.Event == "ModelRegistrationDue" && h.FromState == "Registering" && h.ToState is "WaitingForReady" or "Final");
        Assert.Equal("Final", history[^1].ToState);
        Assert.Single(rig.Events.Started, e => e.TrainingId == id && e.MlflowRunId == registered.RunId);
        Assert.Single(rig.Events.Submitted, e => e.TrainingId == id && e.Namespace == stack.Namespace && e.Attempt == 1);
        Assert.Single(rig.Events.Succeeded, e => e.TrainingId == id && e.Metrics["accuracy"] == registered.Metrics["accuracy"]);
        Assert.Empty(rig.Events.Failed);
    }
}
