using Mlops.Contracts;
using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Serving;
using Mlops.Sandbox.Faults;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests.Promotion;

/// <summary>
/// What the real serving saga says settles the promotion: served, failed (replayable; here an image the cluster cannot
/// pull, named by the model's policy), superseded (an older version after a newer one serves), or an answer after the
/// promotion stopped waiting.
/// </summary>
[Collection(PromoterCollection.Name)]
public sealed class When_the_serving_saga_answers(PromoterSandbox sandbox)
{
    private const string BadImage = "registry.invalid/mlops/mlflow-model-server:1";

    private static string ImageKey(string model) => $"ModelPromoter:Policies:Models:{model}:Image";

    [Fact]
    public async Task Should_fail_with_the_serving_reason_and_serve_again_when_replayed()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox);
        var stack = await rig.StackAsync();
        var model = RegistrySeed.NewModelName();
        var (version, runId, source) = await rig.Registry.TrainedVersionAsync(model);
        var id = PromotionIds.Automatic(model, version);
        rig.Configure(ImageKey(model), BadImage);

        await rig.PublishAsync(PromoterRig.Registered(model, version, runId, source, stack.StackName));
        var (_, failed) = await rig.InStateAsync(id, "Failed", TimeSpan.FromSeconds(90));
        Assert.StartsWith($"serving failed: image {BadImage} cannot be pulled", failed.FailedStep!.Reason, StringComparison.Ordinal);
        // The kubelet says ErrImagePull on each failed pull and ImagePullBackOff between them: either may be current.
        Assert.Matches(@"\((ErrImagePull|ImagePullBackOff)\)", failed.FailedStep!.Reason);
        await Eventually.HoldsAsync(() => rig.Events.Failed.Any(e => e.ModelName == model && e.Step == "serving"), "PromotionFailed at serving");

        rig.Configure(ImageKey(model), null);
        await rig.ReplayAsync(id);
        var (_, promoted) = await rig.InStateAsync(id, "Promoted", TimeSpan.FromSeconds(90));

        Assert.Equal(2, rig.Serving.For(model).Count);
        Assert.Null(promoted.FailedStep);
        Assert.Equal(version, await rig.Registry.AliasAsync(model, "production"));
        var history = await rig.HistoryAsync(id);
        Assert.Contains(history, h => h.Event == "ReplaySaga" && h.FromState == "Failed");
    }

    [Fact]
    public async Task Should_settle_promoted_when_the_serving_saga_serves_after_its_own_replay()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox);
        var stack = await rig.StackAsync();
        var model = RegistrySeed.NewModelName();
        var (version, runId, source) = await rig.Registry.TrainedVersionAsync(model);
        var id = PromotionIds.Automatic(model, version);
        rig.Configure(ImageKey(model), BadImage);

        await rig.PublishAsync(PromoterRig.Registered(model, version, runId, source, stack.StackName));
        await rig.InStateAsync(id, "Failed", TimeSpan.FromSeconds(90));
        rig.Configure(ImageKey(model), null);
        // The operator replays the serving saga, not the promotion: its answer to the same promotion settles it.
        await rig.PublishAsync(new ReplaySaga
        {
            FlowId = Guid.NewGuid(),
            OccurredAt = DateTimeOffset.UtcNow,
            SagaType = nameof(ServingState),
            CorrelationId = ServingSagaIds.ForModel(model),
            RequestedBy = "ops@example.org",
        });
        var (_, promotion) = await rig.InStateAsync(id, "Promoted", TimeSpan.FromSeconds(90));

        Assert.Null(promotion.FailedStep);
        Assert.Single(rig.Serving.For(model));
        Assert.Equal(version, await rig.Registry.AliasAsync(model, "production"));
    }

    [Fact]
    public async Task Should_end_superseded_when_a_newer_version_serves_already()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox);
        var stack = await rig.StackAsync();
        var model = RegistrySeed.NewModelName();
        var older = await rig.Registry.TrainedVersionAsync(model);
        var newer = await rig.Registry.TrainedVersionAsync(model);
        await rig.PublishAsync(PromoterRig.Registered(model, newer.Version, newer.RunId, newer.Source, stack.StackName));
        await rig.InStateAsync(PromotionIds.Automatic(model, newer.Version), "Promoted", TimeSpan.FromSeconds(90));

        await rig.PublishAsync(PromoterRig.Registered(model, older.Version, older.RunId, older.Source, stack.StackName));
        var (_, promotion) = await rig.InStateAsync(PromotionIds.Automatic(model, older.Version), "Superseded", TimeSpan.FromSeconds(60));

        Assert.Equal($"version {newer.Version} serves; an automatic trigger never replaces a newer version", promotion.OutcomeReason);
        Assert.Equal(newer.Version, await rig.Registry.AliasAsync(model, "production"));
    }

    [Fact]
    public async Task Should_stop_waiting_at_its_deadline_and_still_settle_on_a_late_answer()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox, new Dictionary<string, string?> { ["ModelPromoter:Promotion:ServingTimeout"] = "00:00:01" });
        var stack = await rig.StackAsync();
        var model = RegistrySeed.NewModelName();
        var (version, runId, source) = await rig.Registry.TrainedVersionAsync(model);
        var id = PromotionIds.Automatic(model, version);

        // Deployments answer 503 until the promotion has given up waiting, so the serving saga's answer comes late.
        sandbox.Sandbox.Faults.Set("kubernetes", "apps", new FaultRule { ErrorRate = 1, StatusCodes = [503] });
        try
        {
            await rig.PublishAsync(PromoterRig.Registered(model, version, runId, source, stack.StackName));
            var (_, overdue) = await rig.InStateAsync(id, "Failed");
            Assert.StartsWith("the serving saga did not answer within 1 s", overdue.FailedStep!.Reason, StringComparison.Ordinal);
        }
        finally
        {
            sandbox.Sandbox.Faults.Clear("kubernetes", "apps");
        }

        Assert.Single(rig.Serving.For(model));
        await rig.InStateAsync(id, "Promoted", TimeSpan.FromSeconds(90));
        Assert.Equal(version, await rig.Registry.AliasAsync(model, "production"));
    }
}
