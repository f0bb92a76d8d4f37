using Mlops.Contracts;
using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Serving;

namespace Mlops.ModelPromoter.Tests;

/// <summary>Version 1 crashes (its flavour's library is not in the image); version 2 arrives and is served with no replay, 1 stays failed in the ledger.</summary>
[Collection(ServingCollection.Name)]
public sealed class ServingWhenAFailedVersionIsFollowedByANewerOne(ServingCluster cluster)
{
    private const string Model = "crashing_first_model";

    [Fact]
    public async Task Should_serve_the_newer_version_at_once_and_keep_the_failure_in_the_ledger()
    {
        var broken = await ServingModels.RegisterAsync(cluster, Model, flavor: "sklearn");
        var failed = await cluster.AnswerAsync(await cluster.ServeAsync(broken));
        Assert.Equal(ServingOutcome.Failed, failed.Outcome);
        Assert.Contains("model server exits: ModuleNotFoundError: No module named 'sklearn'", failed.Reason, StringComparison.Ordinal);
        var removed = Assert.Single(cluster.Of<ModelRolledBack>(), e => e.ModelName == Model);
        Assert.Null(removed.RestoredVersion);
        Assert.Null(await cluster.DeploymentAsync("mlflow-model-crashing-first-model-server"));
        Assert.Null(await cluster.AliasAsync(Model));

        var good = await ServingModels.RegisterAsync(cluster, Model);
        var served = await cluster.AnswerAsync(await cluster.ServeAsync(good));

        Assert.Equal(ServingOutcome.Served, served.Outcome);
        Assert.Equal("2", await cluster.AliasAsync(Model));
        var state = (await cluster.ServingStateAsync(Model))!;
        Assert.Equal(
            [(ServingLedgerEntry.Failed, "1"), (ServingLedgerEntry.Served, "2")],
            state.Ledger.Select(e => (e.Outcome, e.Version!)));
        Assert.Equal("Serving", await cluster.SagaStateAsync(Model));
    }
}
