using Microsoft.Extensions.DependencyInjection;
using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Tests.Promotion;
using Mlops.ModelPromoter.Triggers;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests.Triggers;

/// <summary>
/// Every automatic trigger at once for one version, each of them twice: the TrainingCoordinator's <c>ModelRegistered</c>,
/// MinIO's event of the MLmodel, MLflow's webhook (two webhooks to the promoter, so two deliveries with ids of their own)
/// and the reconciliation's passes. They converge on one promotion, which hands the version to serving once.
/// </summary>
[Collection(PromoterCollection.Name)]
public sealed class When_every_trigger_reports_one_version(PromoterSandbox sandbox)
{
    [Fact]
    public async Task Should_hand_the_version_to_serving_once()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox, Reconciling.Settings(new()
        {
            ["ModelPromoter:Webhook:Secret"] = MlflowWebhook.Secret,
        }), listen: true);
        await using var webhook = await MlflowWebhook.CreateAsync(rig);
        await using var again = await MlflowWebhook.CreateAsync(rig);
        var stack = await rig.StackAsync();
        // The version comes after the baseline, as one registered while the promoter runs.
        await Reconciling.BaselineAsync(rig);
        var model = RegistrySeed.NewModelName();
        var writesBefore = rig.KubernetesWrites().Count;

        var (version, runId, source) = await rig.Registry.ReadyVersionAsync(model);
        var registered = PromoterRig.Registered(model, version, runId, source, stack.StackName);
        var mlmodel = await BucketEvents.FixtureAsync("minio-mlmodel-put.json", "0", runId);
        await Task.WhenAll(
            rig.PublishAsync(registered),
            rig.PublishAsync(registered),
            BucketEvents.PublishAsync(sandbox, mlmodel),
            BucketEvents.PublishAsync(sandbox, mlmodel));
        var id = PromotionIds.Automatic(model, version);
        await rig.InStateAsync(id, "Promoted");

        // Every source was heard, and what each of them started has settled.
        await Eventually.HoldsAsync(() => new[] { webhook.Id, again.Id }.All(hook => sandbox.Mlflow.Deliveries.Deliveries.Any(d =>
            d.WebhookId == hook && d.Event == "model_version.created" && d.StatusCode == 200)), "both webhooks delivered the new version");
        await rig.WaitForSagaAsync<RunArtifactState>(RunArtifactStateMachine.IdOf(PromoterSandbox.ArtifactBucket, "0", runId),
            (r, _) => r.State == "Promoting", "MinIO's event handed to the run's saga");
        await Reconciling.PassesAsync(rig);
        var activity = rig.Promoter!.Services.GetRequiredService<TriggerActivity>();
        Assert.All(new[] { PromotionTriggers.ModelRegistered, PromotionTriggers.Minio, PromotionTriggers.Webhook, PromotionTriggers.Reconciliation },
            source => Assert.NotNull(activity.LastSeen(source)));

        var serve = Assert.Single(rig.Serving.For(model));
        Assert.Single(await rig.RolloutCompleteAsync(model, version));
        // One rollout: the Deployment and its Service created once each, nothing written to them again.
        var writes = rig.KubernetesWrites().Skip(writesBefore).ToList();
        Assert.Single(writes, w => w.Contains(" apps/deployments ", StringComparison.Ordinal));
        Assert.Single(writes, w => w.Contains(" /services ", StringComparison.Ordinal));
        Assert.Equal((id, version, false), (serve.PromotionId, serve.Version, serve.Deliberate));
        Assert.Single(rig.Events.Started, e => e.ModelName == model);
        Assert.DoesNotContain(rig.Events.Failed, e => e.ModelName == model);
        var history = await rig.HistoryAsync(id);
        Assert.Single(history, h => h.ToState == "WaitingForServing");
    }
}
