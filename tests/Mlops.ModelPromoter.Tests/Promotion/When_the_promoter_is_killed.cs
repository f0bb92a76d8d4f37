using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Serving;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests.Promotion;

/// <summary>
/// The promoter as a real process, SIGKILLed while a promotion waits for the serving saga's answer and started again: the
/// promotion is still there, takes the answer, ignores the trigger's redelivery, and hands the version over only once.
/// </summary>
[Collection(PromoterCollection.Name)]
public sealed class When_the_promoter_is_killed(PromoterSandbox sandbox)
{
    [Fact]
    public async Task Should_settle_the_promotion_it_handed_over_once_after_the_restart()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox, startPromoter: false);
        var settings = new Dictionary<string, string?>(rig.Settings) { ["RABBITMQ_URL"] = sandbox.VirtualHost.AmqpUrl.ToString() };
        await using var promoter = await ServiceProcess.StartAsync("Mlops.ModelPromoter", settings);
        var stack = HomelabStack.Create();
        rig.Desk.Ready(stack);
        await rig.PublishAsync(stack);
        var model = RegistrySeed.NewModelName();
        var (version, runId, source) = await rig.Registry.TrainedVersionAsync(model);
        var registered = PromoterRig.Registered(model, version, runId, source, stack.StackName);

        await rig.PublishAsync(registered);
        var handed = await Eventually.ReturnsAsync(() => Task.FromResult(rig.Serving.For(model) is [var first, ..] ? first : null), "the version handed to serving");
        await promoter.KillAsync();
        await promoter.RestartAsync();
        await rig.PublishAsync(registered with { OccurredAt = DateTimeOffset.UtcNow });
        // The restarted promoter's real serving saga takes the handed-over request on and answers it.
        var settled = await Eventually.ReturnsAsync(() => Task.FromResult(rig.Events.Settled.FirstOrDefault(s => s.ModelName == model)),
            "the restarted promoter settled the promotion", TimeSpan.FromSeconds(90));
        await promoter.KillAsync();

        // Read back through the promoter in this process, on the same store.
        rig.StartPromoter();
        var id = PromotionIds.Automatic(model, version);
        var (_, promotion) = await rig.InStateAsync(id, "Promoted");
        Assert.Equal((id, true), (settled.PromotionId, settled.Served));
        Assert.Equal(nameof(ServingOutcome.Served), promotion.Outcome);
        Assert.Single(rig.Serving.For(model));
        Assert.Single(rig.Events.Started, e => e.ModelName == model);
        Assert.Single(await rig.HistoryAsync(id), h => h.ToState == "WaitingForServing");
        Assert.Contains(promoter.Output, line => line.Contains("--- Mlops.ModelPromoter restarted ---", StringComparison.Ordinal));
    }
}
