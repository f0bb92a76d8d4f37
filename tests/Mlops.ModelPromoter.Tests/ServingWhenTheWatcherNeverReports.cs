using k8s;
using Mlops.Contracts;
using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Serving;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests;

/// <summary>
/// The rollout watcher cannot list Deployments, so no verdict ever comes: the saga's own deadline ends the wait, the first
/// deployment is removed and the failure says what was (not) seen, although the pods themselves became ready.
/// </summary>
[Collection(ServingUnwatchedCollection.Name)]
public sealed class ServingWhenTheWatcherNeverReports(ServingUnwatchedCluster cluster)
{
    private const string Model = "unwatched_model";

    [Fact]
    public async Task Should_fail_at_the_sagas_deadline_remove_the_first_deployment_and_say_nothing_was_reported()
    {
        var version = await ServingModels.RegisterAsync(cluster, Model);

        var promotion = await cluster.ServeAsync(version);
        await Eventually.HoldsAsync(async () =>
            (await cluster.Kubernetes.CoreV1.ListNamespacedPodAsync(ServingCluster.Namespace, labelSelector: "model=unwatched-model")).Items
                .Any(p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true),
            "the model server's pod ready before the saga's deadline", TimeSpan.FromSeconds(10));

        var answer = await cluster.AnswerAsync(promotion);

        Assert.Equal(ServingOutcome.Failed, answer.Outcome);
        Assert.Contains("no rollout verdict within 00:00:10", answer.Reason, StringComparison.Ordinal);
        Assert.Contains("nothing from the rollout watcher", answer.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("never became ready", answer.Reason, StringComparison.Ordinal);
        var rolledBack = Assert.Single(cluster.Of<ModelRolledBack>(), e => e.ModelName == Model);
        Assert.Null(rolledBack.RestoredVersion);
        Assert.Single(cluster.Of<ServingRolloutFailed>(), e => e.ModelName == Model);
        Assert.DoesNotContain(cluster.Of<ServingRolloutComplete>(), e => e.ModelName == Model);
        await Eventually.HoldsAsync(async () => await cluster.DeploymentAsync("mlflow-model-unwatched-model-server") is null, "the first deployment removed");
        Assert.Null(await cluster.AliasAsync(Model));
        var state = (await cluster.ServingStateAsync(Model))!;
        Assert.Equal("Failed", await cluster.SagaStateAsync(Model));
        Assert.Equal(ServingLedgerEntry.Failed, Assert.Single(state.Ledger).Outcome);
        Assert.Contains(cluster.Host.Logs.Entries, e => e.Message.Contains("Watching model-server Deployments in mlflow failed", StringComparison.Ordinal));
    }
}
