namespace Mlops.TrainingCoordinator.Tests;

/// <summary>A version that ends FAILED_REGISTRATION fails the run with the registry's message; a replay registers a new version.</summary>
public sealed class When_registration_fails(TrainingSandbox sandbox) : IClassFixture<TrainingSandbox>
{
    [Fact]
    public async Task Should_fail_with_the_status_message_and_register_anew_on_replay()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox);
        var stack = await rig.NewStackAsync();
        rig.Desk.Ready(stack);
        var request = CoordinatorRig.Training(stack);
        request = request with
        {
            Arguments = ["--epochs", "1", "--registered-model-name", request.ModelName, "--sandbox-fail-registration"],
            ScriptRegistersModel = true,
        };
        var id = request.TrainingId!.Value;

        await rig.PublishAsync(request);

        var failed = await rig.FailedAsync(id);
        Assert.Equal("register-model", failed.Step);
        Assert.Contains($"version 1 of '{request.ModelName}' ended FAILED_REGISTRATION", failed.Reason);
        var (_, run) = await rig.InStateAsync(id, "Failed");
        Assert.Equal(["1"], run.RejectedVersions);
        Assert.Equal("register-model", run.FailedStep!.Step);
        Assert.Equal("Registering", run.FailedStep.State);

        await rig.ReplayAsync(id);

        var registered = await rig.RegisteredAsync(id);
        Assert.Equal("2", registered.Version);
        var version = await MlflowReads.VersionAsync(sandbox.Sandbox.Mlflow, request.ModelName, "2");
        Assert.Equal("READY", version.GetProperty("status").GetString());
        Assert.Single(rig.Events.Submitted, e => e.TrainingId == id);
    }
}
