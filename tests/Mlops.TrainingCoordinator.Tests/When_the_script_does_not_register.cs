using Mlops.Testing;

namespace Mlops.TrainingCoordinator.Tests;

/// <summary>The coordinator registers the model the run logged, in either of MLflow's layouts, and owns that registration.</summary>
public sealed class When_the_script_does_not_register(TrainingSandbox sandbox) : IClassFixture<TrainingSandbox>
{
    [Fact]
    public async Task Should_register_the_runs_model_artifacts_in_the_MLflow_2_layout()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox);
        var stack = await rig.NewStackAsync();
        rig.Desk.Ready(stack);
        var request = CoordinatorRig.Training(stack);

        await rig.PublishAsync(request);

        var registered = await rig.RegisteredAsync(request.TrainingId!.Value);
        var run = await MlflowReads.RunAsync(sandbox.Sandbox.Mlflow, registered.RunId);
        var artifactUri = run.GetProperty("info").GetProperty("artifact_uri").GetString();
        Assert.Equal($"{artifactUri}/model", registered.Source);
        var version = await MlflowReads.VersionAsync(sandbox.Sandbox.Mlflow, request.ModelName, registered.Version);
        Assert.Equal("READY", version.GetProperty("status").GetString());
        Assert.Equal(registered.RunId, version.GetProperty("run_id").GetString());
        Assert.Contains(version.GetProperty("tags").EnumerateArray(),
            t => t.GetProperty("key").GetString() == "mlops.training_id" && t.GetProperty("value").GetString() == request.TrainingId.Value.ToString("D"));
        // Exactly the one version the coordinator made: the script registered nothing.
        Assert.Single(await MlflowReads.VersionsOfRunAsync(sandbox.Sandbox.Mlflow, registered.RunId));
        Assert.Equal(["accuracy", "train_loss", "validation_loss"], registered.Metrics.Keys.Order());
    }

    [Fact]
    public async Task Should_register_the_runs_logged_model_in_the_MLflow_3_layout()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox);
        var stack = await rig.NewStackAsync();
        rig.Desk.Ready(stack);
        var request = CoordinatorRig.Training(stack) with
        {
            Arguments = ["--save_dir", "models", "--arch", "vgg16", "--epochs", "2", "--sandbox-logged-model"],
        };

        await rig.PublishAsync(request);

        var registered = await rig.RegisteredAsync(request.TrainingId!.Value);
        Assert.StartsWith("models:/m-", registered.Source);
        var version = await MlflowReads.VersionAsync(sandbox.Sandbox.Mlflow, request.ModelName, registered.Version);
        Assert.Equal("READY", version.GetProperty("status").GetString());
        Assert.Equal(registered.Source["models:/".Length..], version.GetProperty("model_id").GetString());
        Assert.Equal(registered.RunId, version.GetProperty("run_id").GetString());
        Assert.Single(await MlflowReads.VersionsOfRunAsync(sandbox.Sandbox.Mlflow, registered.RunId));
    }
}
