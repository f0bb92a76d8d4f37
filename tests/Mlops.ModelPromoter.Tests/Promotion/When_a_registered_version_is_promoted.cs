using Mlops.ModelPromoter.Sagas;
using Microsoft.Extensions.DependencyInjection;
using Mlops.ModelPromoter.Serving;
using Mlops.ModelPromoter.Triggers;
using Mlops.SagaStore;
using Mlops.Testing;
using Mlops.Testing.Chart;

namespace Mlops.ModelPromoter.Tests.Promotion;

/// <summary>ModelRegistered from the TrainingCoordinator: verified READY, its stack asked about, gated, handed to serving, once.</summary>
[Collection(PromoterCollection.Name)]
public sealed class When_a_registered_version_is_promoted(PromoterSandbox sandbox)
{
    [Fact]
    public async Task Should_hand_the_READY_version_to_its_serving_saga_once_however_often_it_is_announced()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox);
        var writesBefore = rig.KubernetesWrites().Count;
        var stack = await rig.StackAsync();
        var model = RegistrySeed.NewModelName();
        var (version, runId, source) = await rig.Registry.TrainedVersionAsync(model);
        var registered = PromoterRig.Registered(model, version, runId, source, stack.StackName);
        var id = PromotionIds.Automatic(model, version);

        await rig.PublishAsync(registered);
        await rig.PublishAsync(registered with { OccurredAt = DateTimeOffset.UtcNow });
        var (record, promotion) = await rig.InStateAsync(id, "Promoted");
        var complete = Assert.Single(await rig.RolloutCompleteAsync(model, version));
        Assert.Equal((registered.FlowId, PromoterSandbox.Namespace), (complete.FlowId, complete.Namespace));

        var serve = Assert.Single(rig.Serving.For(model));
        Assert.Equal((version, "production", false, PromotionTriggers.ModelRegistered), (serve.Version, serve.Alias, serve.Deliberate, serve.Trigger));
        Assert.Equal((id, registered.FlowId, runId, source), (serve.PromotionId, serve.FlowId, serve.RunId, serve.ArtifactLocation));
        Assert.Equal(stack.StackName, serve.Stack.StackName);
        Assert.Equal(stack.ArtifactBucket, serve.Stack.ArtifactBucket);
        Assert.Equal(registered.FlowId.ToString(), record.FlowId);
        Assert.Equal(nameof(ServingOutcome.Served), promotion.Outcome);
        Assert.Equal("policy (automatic)", promotion.ApprovedBy);
        var started = Assert.Single(rig.Events.Started, e => e.ModelName == model);
        Assert.Equal((registered.FlowId, PromotionTriggers.ModelRegistered, id, false), (started.FlowId, started.Trigger, started.PromotionId, started.Deliberate));
        Assert.Contains(rig.Desk.Asked, a => a.StackName == stack.StackName);
        Assert.DoesNotContain(rig.Events.Failed, e => e.ModelName == model);

        var history = await rig.HistoryAsync(id);
        Assert.Equal("ModelRegistered", history[0].Event);
        Assert.Contains(history, h => h.ToState == "WaitingForServing");
        Assert.Contains(history, h => h.ToState == "Promoted");

        // A late duplicate lands on the promoted instance: a later version of the model that is served marks the time it had.
        await rig.PublishAsync(registered with { OccurredAt = DateTimeOffset.UtcNow });
        var (next, nextRun, nextSource) = await rig.Registry.TrainedVersionAsync(model);
        await rig.PublishAsync(PromoterRig.Registered(model, next, nextRun, nextSource, stack.StackName));
        await rig.InStateAsync(PromotionIds.Automatic(model, next), "Promoted");
        Assert.Single(rig.Serving.For(model), r => r.Version == version);
        Assert.Single(rig.Events.Started, e => e.ModelName == model && e.Version == version);
        // Both versions went to the model's one Deployment: created once, then changed in place.
        Assert.Single(rig.KubernetesWrites().Skip(writesBefore), w => w.Contains(" create apps/deployments ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_measure_the_rollout_once_and_count_the_sagas_moves_into_each_state()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox);
        using var durations = new MeterRecorder(rig.Promoter!.Services.GetRequiredService<RolloutDurations>().Meter);
        using var transitions = new MeterRecorder(rig.Promoter.Services.GetRequiredService<SagaStoreMetrics>().Meter);
        var stack = await rig.StackAsync();
        var model = RegistrySeed.NewModelName();
        var (version, runId, source) = await rig.Registry.TrainedVersionAsync(model);
        var registered = PromoterRig.Registered(model, version, runId, source, stack.StackName);

        await rig.PublishAsync(registered);
        await rig.PublishAsync(registered with { OccurredAt = DateTimeOffset.UtcNow });
        await rig.InStateAsync(PromotionIds.Automatic(model, version), "Promoted");

        // One rollout, one measurement, however often the trigger came and the serving saga's messages were retried.
        await Eventually.HoldsAsync(() => durations.Values(RolloutDurations.InstrumentName, ("outcome", RolloutDurations.Served)).Count == 1,
            "the served rollout measured");
        Assert.InRange(durations.Values(RolloutDurations.InstrumentName).Single(), 0, 300);
        Assert.Single(transitions.Values(SagaStoreMetrics.TransitionsInstrument, ("state", "Promoted")));
        Assert.Empty(durations.Values(RolloutDurations.InstrumentName, ("outcome", RolloutDurations.Failed)));

        // Every product series the chart's Grafana dashboard queries is on /metrics, with the labels its panels group by.
        var metrics = (await rig.Promoter.GetStringAsync("/metrics")).Split('\n');
        var queried = GrafanaDashboard.ProductSeries();
        Assert.Contains("mlops_serving_rollout_duration_seconds_bucket", queried.Keys);
        foreach (var (name, labels) in queried)
        {
            var lines = metrics.Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal)).ToList();
            Assert.True(lines.Count > 0, $"the dashboard queries {name}, which /metrics does not show");
            foreach (var label in labels)
                Assert.True(lines.Any(l => l.Contains(label + "=\"", StringComparison.Ordinal)), $"the dashboard groups {name} by {label}, which /metrics does not label");
        }
    }

    [Fact]
    public async Task Should_report_the_time_of_the_last_ModelRegistered_in_the_trigger_metric()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox);
        var stack = await rig.StackAsync();
        var model = RegistrySeed.NewModelName();
        var (version, runId, source) = await rig.Registry.TrainedVersionAsync(model);
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        await rig.PublishAsync(PromoterRig.Registered(model, version, runId, source, stack.StackName));
        await rig.InStateAsync(PromotionIds.Automatic(model, version), "Promoted");

        // The figure is read from this promoter's own TriggerActivity: hosts of tests running in parallel share the
        // process's meter listeners, so /metrics may show another host's series under the same labels.
        var seen = rig.Promoter!.Services.GetRequiredService<TriggerActivity>().LastSeen(PromotionTriggers.ModelRegistered);
        Assert.NotNull(seen);
        Assert.InRange(seen.Value.ToUnixTimeSeconds(), before, before + 120);
        var metrics = (await rig.Promoter.GetStringAsync("/metrics")).Split('\n');
        foreach (var name in new[] { "ModelRegistered", "webhook" })
        {
            Assert.Contains(metrics, l => l.StartsWith("mlops_promotion_trigger_last_seen_seconds{", StringComparison.Ordinal)
                && l.Contains($"source=\"{name}\"", StringComparison.Ordinal));
        }
    }
}
