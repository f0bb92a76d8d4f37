using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Serving;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests.Promotion;

/// <summary>What the serving saga says settles the promotion: served, failed (replayable), superseded, or nothing at all.</summary>
[Collection(PromoterCollection.Name)]
public sealed class When_the_serving_saga_answers(PromoterSandbox sandbox)
{
    [Fact]
    public async Task Should_fail_with_the_serving_reason_and_serve_again_when_replayed()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox);
        var stack = await rig.StackAsync();
        var model = RegistrySeed.NewModelName();
        var (version, runId, source) = await rig.Registry.ReadyVersionAsync(model);
        var id = PromotionIds.Automatic(model, version);
        rig.Serving.Answer(model, version, ServingOutcome.Failed, "image registry.invalid/model:1 cannot be pulled (ImagePullBackOff)");

        await rig.PublishAsync(PromoterRig.Registered(model, version, runId, source, stack.StackName));
        var (_, failed) = await rig.InStateAsync(id, "Failed");
        Assert.Equal("serving failed: image registry.invalid/model:1 cannot be pulled (ImagePullBackOff)", failed.FailedStep!.Reason);
        await Eventually.HoldsAsync(() => rig.Events.Failed.Any(e => e.ModelName == model && e.Step == "serving"), "PromotionFailed at serving");

        rig.Serving.Answer(model, version, ServingOutcome.Served);
        await rig.ReplayAsync(id);
        var (_, promoted) = await rig.InStateAsync(id, "Promoted");

        Assert.Equal(2, rig.Serving.For(model).Count);
        Assert.Null(promoted.FailedStep);
        var history = await rig.HistoryAsync(id);
        Assert.Contains(history, h => h.Event == "ReplaySaga" && h.FromState == "Failed");
    }

    [Fact]
    public async Task Should_settle_promoted_when_the_serving_saga_serves_after_its_own_replay()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox);
        var stack = await rig.StackAsync();
        var model = RegistrySeed.NewModelName();
        var (version, runId, source) = await rig.Registry.ReadyVersionAsync(model);
        var id = PromotionIds.Automatic(model, version);
        rig.Serving.Answer(model, version, ServingOutcome.Failed, "model server exits: ModuleNotFoundError: No module named 'boto3'");

        await rig.PublishAsync(PromoterRig.Registered(model, version, runId, source, stack.StackName));
        await rig.InStateAsync(id, "Failed");
        await rig.PublishAsync(new ServingAttemptFinished
        {
            FlowId = Guid.NewGuid(),
            OccurredAt = DateTimeOffset.UtcNow,
            PromotionId = id,
            ModelName = model,
            Version = version,
            Outcome = ServingOutcome.Served,
        });
        var (_, promotion) = await rig.InStateAsync(id, "Promoted");

        Assert.Null(promotion.FailedStep);
        Assert.Single(rig.Serving.For(model));
    }

    [Fact]
    public async Task Should_end_superseded_when_a_newer_request_came_first()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox);
        var stack = await rig.StackAsync();
        var model = RegistrySeed.NewModelName();
        var (version, runId, source) = await rig.Registry.ReadyVersionAsync(model);
        rig.Serving.Answer(model, version, ServingOutcome.Superseded, "version 8 was requested after it");

        await rig.PublishAsync(PromoterRig.Registered(model, version, runId, source, stack.StackName));
        var (_, promotion) = await rig.InStateAsync(PromotionIds.Automatic(model, version), "Superseded");

        Assert.Equal("version 8 was requested after it", promotion.OutcomeReason);
    }

    [Fact]
    public async Task Should_stop_waiting_at_its_deadline_and_still_settle_on_a_late_answer()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox, new Dictionary<string, string?> { ["ModelPromoter:Promotion:ServingTimeout"] = "00:00:01" });
        var stack = await rig.StackAsync();
        var model = RegistrySeed.NewModelName();
        var (version, runId, source) = await rig.Registry.ReadyVersionAsync(model);
        var id = PromotionIds.Automatic(model, version);
        rig.Serving.Hold(model, version);

        await rig.PublishAsync(PromoterRig.Registered(model, version, runId, source, stack.StackName));
        var (_, overdue) = await rig.InStateAsync(id, "Failed");
        Assert.StartsWith("the serving saga did not answer within 1 s", overdue.FailedStep!.Reason, StringComparison.Ordinal);

        var request = Assert.Single(rig.Serving.For(model));
        await rig.PublishAsync(new ServingAttemptFinished
        {
            FlowId = request.FlowId,
            OccurredAt = DateTimeOffset.UtcNow,
            PromotionId = id,
            ModelName = model,
            Version = version,
            Outcome = ServingOutcome.Served,
        });
        await rig.InStateAsync(id, "Promoted");
    }
}
