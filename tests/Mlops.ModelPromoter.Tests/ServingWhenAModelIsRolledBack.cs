using MassTransit;
using Mlops.Contracts;
using Mlops.ModelPromoter.Serving;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests;

/// <summary><c>RollbackModel</c> without a version goes back to the last version that served before the current one, through a deliberate promotion.</summary>
[Collection(ServingCollection.Name)]
public sealed class ServingWhenAModelIsRolledBack(ServingCluster cluster)
{
    private const string Model = "rolled_back_model";

    [Fact]
    public async Task Should_promote_the_previous_good_version_from_the_ledger_and_serve_it()
    {
        var v1 = await ServingModels.RegisterAsync(cluster, Model);
        var v2 = await ServingModels.RegisterAsync(cluster, Model);
        Assert.Equal(ServingOutcome.Served, (await cluster.AnswerAsync(await cluster.ServeAsync(v1))).Outcome);
        Assert.Equal(ServingOutcome.Served, (await cluster.AnswerAsync(await cluster.ServeAsync(v2))).Outcome);

        await cluster.Host.Bus.Publish(new RollbackModel
        {
            FlowId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow, ModelName = Model, Reason = "accuracy dropped in production", RequestedBy = "ana",
        });

        var promote = await Eventually.ReturnsAsync(() => Task.FromResult(cluster.Of<PromoteModel>().FirstOrDefault(p => p.ModelName == Model)),
            "a PromoteModel for the rollback");
        Assert.Equal(("1", "production", "ana", nameof(RollbackModel)), (promote.Version, promote.Alias, promote.RequestedBy, promote.Trigger));

        // The promotion half verifies and gates it, then hands it over as a deliberate choice, as it does for any PromoteModel.
        var promotion = await cluster.ServeAsync(v1, deliberate: true);
        Assert.Equal(ServingOutcome.Served, (await cluster.AnswerAsync(promotion)).Outcome);
        Assert.Equal("1", await cluster.AliasAsync(Model));
        Assert.Equal("1", await cluster.TemplateVersionAsync("mlflow-model-rolled-back-model-server"));
        Assert.Equal("2", Sagas.ServingStateMachine.LastGoodBefore((await cluster.ServingStateAsync(Model))!));
    }

    [Fact]
    public async Task Should_note_that_there_is_nothing_to_roll_back_to_after_a_single_version()
    {
        const string model = "single_version_model";
        Assert.Equal(ServingOutcome.Served, (await cluster.AnswerAsync(await cluster.ServeAsync(await ServingModels.RegisterAsync(cluster, model)))).Outcome);

        await cluster.Host.Bus.Publish(new RollbackModel { FlowId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow, ModelName = model, Reason = "just in case" });

        var note = await Eventually.ReturnsAsync(async () => (await cluster.ServingStateAsync(model))?.LastNote, "the saga's note on the rollback");
        Assert.Equal("no version served successfully before version 1: there is nothing to roll back to", note.Text);
        Assert.DoesNotContain(cluster.Of<PromoteModel>(), p => p.ModelName == model);
    }
}
