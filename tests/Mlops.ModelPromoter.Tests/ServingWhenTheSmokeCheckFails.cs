using Mlops.Contracts;
using Mlops.ModelPromoter.Serving;

namespace Mlops.ModelPromoter.Tests;

/// <summary>The model rolls out but answers its smoke check with an error: rolled back, alias unchanged.</summary>
[Collection(ServingCollection.Name)]
public sealed class ServingWhenTheSmokeCheckFails(ServingCluster cluster)
{
    private const string Model = "smoke_failing_model";

    [Fact]
    public async Task Should_roll_back_and_leave_the_alias_where_it_was()
    {
        var v1 = await ServingModels.RegisterAsync(cluster, Model);
        var v2 = await ServingModels.RegisterAsync(cluster, Model);
        Assert.Equal(ServingOutcome.Served, (await cluster.AnswerAsync(await cluster.ServeAsync(v1))).Outcome);

        // Two input formats at once: MLflow's scoring server answers 400.
        cluster.Configure($"ModelPromoter:Policies:Models:{Model}:SmokeInput", """{"inputs": [[1.0]], "dataframe_split": {"columns": ["a"], "data": [[1]]}}""");
        var failed = await cluster.AnswerAsync(await cluster.ServeAsync(v2));

        Assert.Equal(ServingOutcome.Failed, failed.Outcome);
        Assert.StartsWith("smoke check failed: POST /invocations with the policy's SmokeInput answered 400", failed.Reason, StringComparison.Ordinal);
        Assert.Equal("1", Assert.Single(cluster.Of<ModelRolledBack>(), e => e.ModelName == Model).RestoredVersion);
        Assert.Equal("1", await cluster.AliasAsync(Model));
        await Rollout.WaitForCompleteAsync(cluster, "mlflow-model-smoke-failing-model-server", "1");
        Assert.DoesNotContain(cluster.Of<ModelPromoted>(), e => e.ModelName == Model && e.Version == "2");
    }
}
