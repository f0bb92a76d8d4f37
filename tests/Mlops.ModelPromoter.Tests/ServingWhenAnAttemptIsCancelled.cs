using Mlops.Contracts;
using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Serving;

namespace Mlops.ModelPromoter.Tests;

/// <summary>
/// <c>CancelSaga</c> on a model's serving saga mid-rollout (version 2's image cannot be pulled, so the rollout hangs until
/// someone acts): undone like a failure, the promotion told, what served before serves on.
/// </summary>
[Collection(ServingSlowCollection.Name)]
public sealed class ServingWhenAnAttemptIsCancelled(ServingSlowCluster cluster)
{
    private const string Model = "cancelled_model";

    [Fact]
    public async Task Should_roll_back_what_the_attempt_changed_and_answer_its_promotion()
    {
        var v1 = await ServingModels.RegisterAsync(cluster, Model);
        var v2 = await ServingModels.RegisterAsync(cluster, Model);
        Assert.Equal(ServingOutcome.Served, (await cluster.AnswerAsync(await cluster.ServeAsync(v1))).Outcome);

        cluster.Configure($"ModelPromoter:Policies:Models:{Model}:Image", "registry.invalid/mlops/mlflow-model-server:hangs");
        var promotion = await cluster.ServeAsync(v2);
        await cluster.WaitForStateAsync(Model, "RollingOut");
        await cluster.Host.Bus.Publish(new CancelSaga
        {
            FlowId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow, SagaType = nameof(ServingState),
            CorrelationId = ServingSagaIds.ForModel(Model), RequestedBy = "ana", Reason = "wrong version",
        });

        var answer = await cluster.AnswerAsync(promotion);
        Assert.Equal(ServingOutcome.Failed, answer.Outcome);
        Assert.Equal("cancelled by ana: wrong version", answer.Reason);
        Assert.Equal("1", Assert.Single(cluster.Of<ModelRolledBack>(), e => e.ModelName == Model).RestoredVersion);
        Assert.Equal("1", await cluster.AliasAsync(Model));
        await Rollout.WaitForCompleteAsync(cluster, "mlflow-model-cancelled-model-server", "1");
        Assert.Equal("Failed", await cluster.SagaStateAsync(Model));
    }
}
