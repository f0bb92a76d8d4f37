using Mlops.ModelPromoter.Sagas;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests.Promotion;

/// <summary>A version announced while PENDING_REGISTRATION is waited for, within a bound.</summary>
[Collection(PromoterCollection.Name)]
public sealed class When_the_version_is_still_registering(SlowRegistrySandbox sandbox) : IClassFixture<SlowRegistrySandbox>
{
    [Fact]
    public async Task Should_wait_for_READY_and_then_serve_it()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox);
        var stack = await rig.StackAsync();
        var model = RegistrySeed.NewModelName();
        var (runId, source) = await rig.Registry.TrainedRunWithModelAsync();
        var version = await rig.Registry.RegisterAsync(model, source, runId);
        var id = PromotionIds.Automatic(model, version);

        await rig.PublishAsync(PromoterRig.Registered(model, version, runId, source, stack.StackName));
        var (_, waiting) = await rig.InStateAsync(id, "WaitingForRegistration");
        Assert.Equal(PromotionVerifier.WaitingForReady, waiting.WaitingFor);
        Assert.Empty(rig.Serving.For(model));

        await rig.InStateAsync(id, "Promoted");
        Assert.Equal("READY", await rig.Registry.StatusAsync(model, version));
        Assert.Single(rig.Serving.For(model));
    }

    [Fact]
    public async Task Should_fail_a_version_that_stays_pending_past_the_bound_and_wait_afresh_when_replayed()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox, new Dictionary<string, string?> { ["ModelPromoter:Promotion:RegistrationTimeout"] = "00:00:01" });
        var stack = await rig.StackAsync();
        var model = RegistrySeed.NewModelName();
        var (runId, source) = await rig.Registry.TrainedRunWithModelAsync();
        var version = await rig.Registry.RegisterAsync(model, source, runId);
        var id = PromotionIds.Automatic(model, version);

        await rig.PublishAsync(PromoterRig.Registered(model, version, runId, source, stack.StackName));
        var (_, failed) = await rig.InStateAsync(id, "Failed");
        Assert.Equal($"model {model} version {version} is still PENDING_REGISTRATION after 1 s", failed.FailedStep!.Reason);
        Assert.Equal(("verify-version", "Verifying"), (failed.FailedStep.Step, failed.FailedStep.State));

        await rig.Registry.WaitReadyAsync(model, version);
        await rig.ReplayAsync(id);
        await rig.InStateAsync(id, "Promoted");
        Assert.Single(rig.Serving.For(model));
    }
}
