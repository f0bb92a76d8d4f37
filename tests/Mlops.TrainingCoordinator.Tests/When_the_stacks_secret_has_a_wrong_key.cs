using Mlops.Testing;

namespace Mlops.TrainingCoordinator.Tests;

/// <summary>A pod that cannot be created because its Secret reference does not resolve fails the run with the kubelet's reason.</summary>
public sealed class When_the_stacks_secret_has_a_wrong_key(TrainingSandbox sandbox) : IClassFixture<TrainingSandbox>
{
    [Fact]
    public async Task Should_fail_with_the_pods_CreateContainerConfigError_named_and_delete_the_job()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox);
        var stack = await rig.NewStackAsync(secretKeyName: "AWS_SECRET_KEY");
        rig.Desk.Ready(stack);
        var request = CoordinatorRig.Training(stack) with { Timeout = TimeSpan.FromHours(2) };
        var id = request.TrainingId!.Value;

        await rig.PublishAsync(request);

        var failed = await rig.FailedAsync(id);
        Assert.Equal("submit-job", failed.Step);
        Assert.Contains("CreateContainerConfigError", failed.Reason);
        Assert.Contains($"couldn't find key AWS_SECRET_ACCESS_KEY in Secret {stack.Namespace}/{CoordinatorRig.SecretName}", failed.Reason);
        Assert.DoesNotContain("DeadlineExceeded", failed.Reason);
        await Eventually.HoldsAsync(async () => (await rig.JobsAsync(stack.Namespace)).Count == 0, "the stuck Job deleted");
        var (_, run) = await rig.InStateAsync(id, "Failed");
        Assert.Equal(2, run.JobAttempt);
        // The pod never ran, so no script ended the MLflow run: the coordinator did.
        var mlflowRun = await MlflowReads.RunAsync(sandbox.Sandbox.Mlflow, failed.MlflowRunId!);
        Assert.Equal("FAILED", mlflowRun.GetProperty("info").GetProperty("status").GetString());
    }
}
