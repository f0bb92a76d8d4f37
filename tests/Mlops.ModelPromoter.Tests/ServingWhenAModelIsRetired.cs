using Mlops.Contracts;
using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Serving;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests;

/// <summary><c>RetireModel</c>: the Deployment, Service and alias go; the ledger keeps the record; the model can be served again later.</summary>
[Collection(ServingCollection.Name)]
public sealed class ServingWhenAModelIsRetired(ServingCluster cluster)
{
    private const string Model = "retired_model";
    private const string Name = "mlflow-model-retired-model-server";

    [Fact]
    public async Task Should_remove_the_server_and_the_alias_and_keep_the_ledger()
    {
        var v1 = await ServingModels.RegisterAsync(cluster, Model);
        Assert.Equal(ServingOutcome.Served, (await cluster.AnswerAsync(await cluster.ServeAsync(v1))).Outcome);

        await cluster.Host.Bus.Publish(new RetireModel { FlowId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow, ModelName = Model, RequestedBy = "ana", Reason = "replaced by another model" });

        await cluster.WaitForStateAsync(Model, "Retired");
        Assert.Null(await cluster.DeploymentAsync(Name));
        await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => k8s.CoreV1OperationsExtensions.ReadNamespacedServiceAsync(cluster.Kubernetes.CoreV1, Name, ServingCluster.Namespace));
        Assert.Null(await cluster.AliasAsync(Model));
        var state = (await cluster.ServingStateAsync(Model))!;
        Assert.Null(state.Served);
        Assert.Equal([ServingLedgerEntry.Served, ServingLedgerEntry.Retired], state.Ledger.Select(e => e.Outcome));
        Assert.Equal("retired by ana: replaced by another model", state.Ledger[^1].Reason);

        var again = await cluster.AnswerAsync(await cluster.ServeAsync(v1, deliberate: true));
        Assert.Equal(ServingOutcome.Served, again.Outcome);
        Assert.NotNull(await cluster.DeploymentAsync(Name));
        Assert.Equal("1", await cluster.AliasAsync(Model));
    }
}
