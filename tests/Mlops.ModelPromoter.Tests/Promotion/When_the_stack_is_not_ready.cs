using Mlops.Contracts;
using Mlops.ModelPromoter.Sagas;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests.Promotion;

/// <summary>The version waits for its stack: asked about with GetStackStatus and heard of through StackReady, within a bound.</summary>
[Collection(PromoterCollection.Name)]
public sealed class When_the_stack_is_not_ready(PromoterSandbox sandbox)
{
    [Fact]
    public async Task Should_wait_for_the_stack_the_run_names_and_go_on_when_it_is_announced()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox);
        var stack = HomelabStack.Create();
        rig.Desk.Provisioning(stack.StackName, "ProvisioningSecrets");
        var model = RegistrySeed.NewModelName();
        var (version, _, _) = await rig.Registry.TrainedVersionAsync(model, tags: new Dictionary<string, string> { ["mlops.stack"] = stack.StackName });
        var id = PromotionIds.Automatic(model, version);

        await rig.PublishAsync(new PromoteModel
        {
            FlowId = Guid.NewGuid(),
            OccurredAt = DateTimeOffset.UtcNow,
            ModelName = model,
            Version = version,
            RequestId = id,
        });
        var promotionId = PromotionIds.Deliberate(model, version, id);
        var (_, waiting) = await rig.WaitForAsync(promotionId, (r, p) => r.State == "WaitingForStack" && p.StackLastSeen is not null, "waiting with news of the stack");
        Assert.Equal($"stack {stack.StackName} was in state ProvisioningSecrets", waiting.StackLastSeen);
        Assert.Empty(rig.Serving.For(model));

        await rig.StackAsync(stack);
        var (_, promoted) = await rig.InStateAsync(promotionId, "Promoted");
        Assert.Equal(stack.StackName, Assert.Single(rig.Serving.For(model)).Stack.StackName);
        Assert.Equal(stack.StackName, promoted.StackName);
    }

    [Fact]
    public async Task Should_serve_on_the_only_stack_there_is_once_one_is_announced()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox);
        var model = RegistrySeed.NewModelName();
        var (version, runId, source) = await rig.Registry.TrainedVersionAsync(model);
        var id = PromotionIds.Automatic(model, version);

        await rig.PublishAsync(PromoterRig.Registered(model, version, runId, source, stackName: null));
        var (_, waiting) = await rig.WaitForAsync(id, (r, p) => r.State == "WaitingForStack" && p.StackLastSeen is not null, "waiting for any stack");
        Assert.Equal("no stack has been announced yet (no StackReady seen)", waiting.StackLastSeen);

        var stack = await rig.StackAsync();
        await rig.InStateAsync(id, "Promoted");
        Assert.Equal(stack.StackName, Assert.Single(rig.Serving.For(model)).Stack.StackName);
    }

    [Fact]
    public async Task Should_fail_when_the_stack_failed_and_when_it_stays_unready_past_the_bound()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox, new Dictionary<string, string?> { ["ModelPromoter:Promotion:StackWaitTimeout"] = "00:00:02" });
        var broken = HomelabStack.Create();
        rig.Desk.Failed(broken.StackName, "secrets", "secret mlflow/minio-credentials has no key AWS_SECRET_ACCESS_KEY");
        var slow = HomelabStack.Create();
        var model = RegistrySeed.NewModelName();
        var (first, firstRun, firstSource) = await rig.Registry.TrainedVersionAsync(model);
        var (second, secondRun, secondSource) = await rig.Registry.TrainedVersionAsync(model);

        await rig.PublishAsync(PromoterRig.Registered(model, first, firstRun, firstSource, broken.StackName));
        await rig.PublishAsync(PromoterRig.Registered(model, second, secondRun, secondSource, slow.StackName));

        var (_, failed) = await rig.InStateAsync(PromotionIds.Automatic(model, first), "Failed");
        Assert.Equal($"stack {broken.StackName} failed at step secrets: secret mlflow/minio-credentials has no key AWS_SECRET_ACCESS_KEY; fix the stack, then replay",
            failed.FailedStep!.Reason);
        var (_, expired) = await rig.InStateAsync(PromotionIds.Automatic(model, second), "Failed");
        Assert.Equal($"stack {slow.StackName} was not ready within 2 s to serve model {model} version {second} on; "
            + $"stack {slow.StackName} is not known to the Provisioner (no ProvisionStack for it yet)", expired.FailedStep!.Reason);
        Assert.Empty(rig.Serving.For(model));
    }
}
