using Mlops.Testing;

namespace Mlops.TrainingCoordinator.Tests;

/// <summary>A pod that cannot pull its image for longer than the bound fails the run, naming the image and the kubelet's reason.</summary>
public sealed class When_the_image_cannot_be_pulled(TrainingSandbox sandbox) : IClassFixture<TrainingSandbox>
{
    [Fact]
    public async Task Should_fail_after_the_pull_grace_with_the_image_named_and_delete_the_job()
    {
        await using var rig = await CoordinatorRig.StartAsync(sandbox);
        var stack = await rig.NewStackAsync();
        rig.Desk.Ready(stack);
        var request = CoordinatorRig.Training(stack) with { Image = "registry.invalid/team/cnn-train:2.0" };
        var id = request.TrainingId!.Value;

        await rig.PublishAsync(request);

        var failed = await rig.FailedAsync(id);
        Assert.Equal("submit-job", failed.Step);
        Assert.Contains("cannot pull image registry.invalid/team/cnn-train:2.0 (", failed.Reason);
        Assert.Matches("ErrImagePull|ImagePullBackOff", failed.Reason);
        Assert.Contains("check the image reference and ImagePullSecrets", failed.Reason);
        await Eventually.HoldsAsync(async () => (await rig.JobsAsync(stack.Namespace)).Count == 0, "the stuck Job deleted");
        var history = await rig.HistoryAsync(id);
        Assert.Contains(history, h => h.FromState == "Submitted" && h.ToState == "Failed");
    }
}
