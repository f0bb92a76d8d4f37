using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mlops.Clients.Mlflow;
using Mlops.Clients.Mlflow.Model;
using Mlops.Contracts;
using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Tests.Promotion;
using Mlops.ModelPromoter.Triggers.Reconciliation;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests.Triggers;

/// <summary>
/// The registry compared with what the promoter knows: the first pass records what is there as the baseline and serves
/// none of it; later passes serve what webhooks and MinIO missed; explicit triggers act on baseline versions.
/// </summary>
[Collection(PromoterCollection.Name)]
public sealed class When_the_registry_is_reconciled(PromoterSandbox sandbox)
{
    [Fact]
    public async Task Should_serve_nothing_the_registry_held_at_install_time_then_serve_a_version_created_while_webhooks_are_off()
    {
        var models = Enumerable.Range(0, 3).Select(_ => RegistrySeed.NewModelName()).ToList();
        var existing = new List<(string Model, string Version)>();
        foreach (var model in models)
            existing.Add((model, (await sandbox.Registry.UnwatchedVersionAsync(model)).Version));
        var writesBefore = sandbox.Sandbox.Requests.Snapshot("kubernetes").Count(r => r.Verb is "create" or "update" or "patch");

        await using var rig = await PromoterRig.StartAsync(sandbox, Reconciling.Settings());
        var stack = await rig.StackAsync();
        await Reconciling.BaselineAsync(rig);
        foreach (var (model, version) in existing)
            await rig.InStateAsync(PromotionIds.Automatic(model, version), "Baseline");
        await Reconciling.PassesAsync(rig);

        Assert.All(models, model => Assert.Empty(rig.Serving.For(model)));
        Assert.DoesNotContain(rig.Events.Started, e => models.Contains(e.ModelName));
        Assert.Equal(writesBefore, sandbox.Sandbox.Requests.Snapshot("kubernetes").Count(r => r.Verb is "create" or "update" or "patch"));

        // Nothing announces this version: no ModelRegistered, no webhook, no MinIO event of it.
        var (newer, _, source) = await rig.Registry.UnwatchedVersionAsync(models[0]);
        var (_, promotion) = await rig.InStateAsync(PromotionIds.Automatic(models[0], newer), "Promoted", TimeSpan.FromSeconds(60));
        Assert.Equal(PromotionTriggers.Reconciliation, promotion.Trigger);
        Assert.Single(await rig.RolloutCompleteAsync(models[0], newer));
        var serve = Assert.Single(rig.Serving.For(models[0]));
        Assert.Equal((newer, source, stack.StackName), (serve.Version, serve.ArtifactLocation, serve.Stack.StackName));

        // The baseline limits only the reconciliation: an explicit trigger of a baseline version is acted on.
        var (model1, version1) = existing[1];
        var run = (await rig.Registry.StatusAsync(model1, version1))!;
        Assert.Equal("READY", run);
        await rig.PublishAsync(new PromoteModel { FlowId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow, ModelName = model1, Version = version1, RequestId = Guid.NewGuid() });
        await Eventually.HoldsAsync(() => rig.Serving.For(model1).Count == 1, "the baseline version served on request");
        // Served, an automatic announcement of the same version is answered at once (while it rolled out it would be superseded).
        await rig.InStateAsync(rig.Serving.For(model1)[0].PromotionId, "Promoted");
        await rig.PublishAsync(PromoterRig.Registered(model1, version1, Guid.NewGuid().ToString("N"), "s3://mlflow/x", stack.StackName));
        await rig.InStateAsync(PromotionIds.Automatic(model1, version1), "Promoted");
    }

    [Fact]
    public async Task Should_serve_what_the_registry_holds_on_the_first_pass_when_told_to()
    {
        var model = RegistrySeed.NewModelName();
        var (version, _, _) = await sandbox.Registry.UnwatchedVersionAsync(model);

        await using var rig = await PromoterRig.StartAsync(sandbox, Reconciling.Settings(new() { ["ModelPromoter:Reconciliation:ServeExistingOnFirstPass"] = "true" }));
        await rig.StackAsync();

        await rig.InStateAsync(PromotionIds.Automatic(model, version), "Promoted", TimeSpan.FromSeconds(60));
        var (_, baseline) = await rig.WaitForSagaAsync<RegistryReconciliationState>(RegistryReconciliationStateMachine.Id, (r, _) => r.State == "Baselined", "baseline");
        Assert.True(baseline.BaselineServed);
    }

    [Fact]
    public async Task Should_keep_the_baseline_when_its_record_arrives_before_the_first_passs_triggers()
    {
        var model = RegistrySeed.NewModelName();
        var (version, _, _) = await sandbox.Registry.UnwatchedVersionAsync(model);
        await sandbox.Registry.SetAliasAsync(model, "production", version);
        // The reconciliation is on, but its passes are run by the test.
        var settings = Reconciling.Settings(new() { ["ModelPromoter:Reconciliation:FirstPassDelay"] = "01:00:00" });
        await using var rig = await PromoterRig.StartAsync(sandbox, settings);
        await rig.StackAsync();
        var reconciler = rig.Promoter!.Services.GetServices<IHostedService>().OfType<RegistryReconciler>().Single();

        // The first pass's record is in, and none of the triggers it sent beside it: they travel on other queues.
        await rig.PublishAsync(await FirstPassRecordAsync(rig));
        await Reconciling.BaselineAsync(rig);
        await reconciler.PassAsync(new ReconciliationSettings(), CancellationToken.None);

        await rig.InStateAsync(PromotionIds.Automatic(model, version), "Baseline");
        Assert.Null(await rig.Catalog.FindAsync(RegistryAliasStateMachine.IdOf(model, "production"), nameof(RegistryAliasState)));
        Assert.Empty(rig.Serving.For(model));

        // What came after the baseline is served by the next pass.
        var (newer, _, _) = await rig.Registry.UnwatchedVersionAsync(model);
        await reconciler.PassAsync(new ReconciliationSettings(), CancellationToken.None);
        await rig.InStateAsync(PromotionIds.Automatic(model, newer), "Promoted");
        Assert.Equal(newer, Assert.Single(rig.Serving.For(model)).Version);
    }

    // What a first pass records over the registry as it stands: each model's highest READY version and its alias.
    private static async Task<RegistryBaselineRecorded> FirstPassRecordAsync(PromoterRig rig)
    {
        await using var scope = rig.Promoter!.Services.CreateAsyncScope();
        var mlflow = scope.ServiceProvider.GetRequiredService<IMlflowApi>();
        var highest = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var v in mlflow.SearchAllModelVersionsAsync())
        {
            if (v.Status == MlflowModelVersionStatus.Ready && long.TryParse(v.Version, out var number))
                highest[v.Name] = Math.Max(number, highest.GetValueOrDefault(v.Name));
        }
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var m in mlflow.SearchAllRegisteredModelsAsync())
        {
            if (m.Aliases.FirstOrDefault(a => a.Alias == "production") is { } production)
                aliases[m.Name] = production.Version;
        }
        return new RegistryBaselineRecorded { OccurredAt = DateTimeOffset.UtcNow, Versions = highest.Count, Served = false, HighestVersions = highest, Aliases = aliases };
    }
}
