using Mlops.Clients.Mlflow;
using Mlops.ModelPromoter.Serving;

namespace Mlops.ModelPromoter.Tests;

/// <summary>A policy with <c>LegacyStage</c>: after the alias, the version is moved to that stage and the one before archived.</summary>
[Collection(ServingCollection.Name)]
public sealed class ServingWhenAPolicyNamesALegacyStage(ServingCluster cluster)
{
    private const string Model = "staged_model";

    [Fact]
    public async Task Should_set_the_alias_and_move_the_version_to_the_stage()
    {
        cluster.Configure($"ModelPromoter:Policies:Models:{Model}:LegacyStage", "Production");
        var first = await ServingModels.RegisterAsync(cluster, Model);
        Assert.Equal(ServingOutcome.Served, (await cluster.AnswerAsync(await cluster.ServeAsync(first))).Outcome);
        var second = await ServingModels.RegisterAsync(cluster, Model);

        Assert.Equal(ServingOutcome.Served, (await cluster.AnswerAsync(await cluster.ServeAsync(second))).Outcome);

        Assert.Equal("2", await cluster.AliasAsync(Model));
        Assert.Equal("Production", (await cluster.Mlflow.FindModelVersionAsync(Model, "2"))!.CurrentStage);
        Assert.Equal("Archived", (await cluster.Mlflow.FindModelVersionAsync(Model, "1"))!.CurrentStage);
    }
}
