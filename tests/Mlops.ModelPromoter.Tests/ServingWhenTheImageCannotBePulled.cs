using Mlops.Contracts;
using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Serving;

namespace Mlops.ModelPromoter.Tests;

/// <summary>Version 2 of a serving model gets an image no registry has: the reason names it, version 1 serves on, a replay after the fix serves 2.</summary>
[Collection(ServingCollection.Name)]
public sealed class ServingWhenTheImageCannotBePulled(ServingCluster cluster)
{
    private const string Model = "unpullable_model";
    private const string Deployment = "mlflow-model-unpullable-model-server";
    private const string ImageKey = $"ModelPromoter:Policies:Models:{Model}:Image";
    private const string BadImage = "registry.invalid/mlops/mlflow-model-server:1";

    [Fact]
    public async Task Should_name_the_image_roll_back_keep_the_alias_and_serve_it_on_replay_once_fixed()
    {
        var v1 = await ServingModels.RegisterAsync(cluster, Model);
        var v2 = await ServingModels.RegisterAsync(cluster, Model);
        Assert.Equal(ServingOutcome.Served, (await cluster.AnswerAsync(await cluster.ServeAsync(v1))).Outcome);

        cluster.Configure(ImageKey, BadImage);
        var promotion = await cluster.ServeAsync(v2);

        var failed = await cluster.AnswerAsync(promotion);
        Assert.Equal(ServingOutcome.Failed, failed.Outcome);
        Assert.Contains($"image {BadImage} cannot be pulled", failed.Reason, StringComparison.Ordinal);
        // The kubelet alternates ErrImagePull (each pull) and ImagePullBackOff (between pulls); the reason names the one it read.
        Assert.Matches(@"cannot be pulled \((ErrImagePull|ImagePullBackOff)\)", failed.Reason);
        var rolledBack = Assert.Single(cluster.Of<ModelRolledBack>(), e => e.ModelName == Model);
        Assert.Equal(("2", "1"), (rolledBack.FailedVersion, rolledBack.RestoredVersion));
        Assert.Contains(BadImage, Assert.Single(cluster.Of<ServingRolloutFailed>(), e => e.ModelName == Model).Reason, StringComparison.Ordinal);
        Assert.Equal("1", await cluster.AliasAsync(Model));
        Assert.Equal("Failed", await cluster.SagaStateAsync(Model));
        var state = (await cluster.ServingStateAsync(Model))!;
        Assert.Equal("1", state.Served!.Version);
        Assert.Equal(ServingStateMachine.PrepareStep, state.FailedStep!.Step);
        Assert.Equal([ServingLedgerEntry.Served, ServingLedgerEntry.Failed], state.Ledger.Select(e => e.Outcome));
        await Rollout.WaitForCompleteAsync(cluster, Deployment, "1");

        cluster.Configure(ImageKey, null);
        await cluster.ReplayAsync(Model);

        var answers = await cluster.AnswersAsync(promotion, 2);
        Assert.Equal(ServingOutcome.Served, answers[1].Outcome);
        Assert.Equal("2", await cluster.AliasAsync(Model));
        Assert.Equal("2", await cluster.TemplateVersionAsync(Deployment));
        state = (await cluster.ServingStateAsync(Model))!;
        Assert.Null(state.FailedStep);
        Assert.Equal([ServingLedgerEntry.Served, ServingLedgerEntry.Failed, ServingLedgerEntry.Served], state.Ledger.Select(e => e.Outcome));
        Assert.StartsWith(ServingOptions.PyTorchImage, state.Served!.Image, StringComparison.Ordinal);
    }
}
