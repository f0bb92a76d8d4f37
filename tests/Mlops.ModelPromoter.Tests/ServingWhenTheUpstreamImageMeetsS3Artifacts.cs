using Mlops.Contracts;
using Mlops.ModelPromoter.Serving;

namespace Mlops.ModelPromoter.Tests;

/// <summary>The upstream MLflow image has no boto3: the model server exits with botocore's import error, and the rollback restores version 1.</summary>
[Collection(ServingCollection.Name)]
public sealed class ServingWhenTheUpstreamImageMeetsS3Artifacts(ServingCluster cluster)
{
    private const string Model = "upstream_image_model";

    [Fact]
    public async Task Should_carry_the_model_servers_boto3_error_and_restore_the_previous_version()
    {
        var v1 = await ServingModels.RegisterAsync(cluster, Model);
        var v2 = await ServingModels.RegisterAsync(cluster, Model);
        Assert.Equal(ServingOutcome.Served, (await cluster.AnswerAsync(await cluster.ServeAsync(v1))).Outcome);

        cluster.Configure($"ModelPromoter:Policies:Models:{Model}:Image", "ghcr.io/mlflow/mlflow:v2.21.3");
        var failed = await cluster.AnswerAsync(await cluster.ServeAsync(v2));

        Assert.Equal(ServingOutcome.Failed, failed.Outcome);
        Assert.Contains("model server exits: ModuleNotFoundError: No module named 'boto3'", failed.Reason, StringComparison.Ordinal);
        var rolledBack = Assert.Single(cluster.Of<ModelRolledBack>(), e => e.ModelName == Model);
        Assert.Equal("1", rolledBack.RestoredVersion);
        Assert.Equal("1", await cluster.AliasAsync(Model));
        await Rollout.WaitForCompleteAsync(cluster, "mlflow-model-upstream-image-model-server", "1");
    }
}
