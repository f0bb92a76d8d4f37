using Mlops.Contracts;
using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Serving;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests;

/// <summary>Version 2 is registered while 1 rolls out: 2 waits its turn and ends up serving; an automatic 1 afterwards never replaces it.</summary>
[Collection(ServingCollection.Name)]
public sealed class ServingWhenANewerVersionArrivesDuringARollout(ServingCluster cluster)
{
    private const string Model = "queued_model";

    [Fact]
    public async Task Should_serve_the_newer_version_after_the_current_rollout_and_never_the_older_after_it()
    {
        var v1 = await ServingModels.RegisterAsync(cluster, Model);
        var v2 = await ServingModels.RegisterAsync(cluster, Model);
        var first = await cluster.ServeAsync(v1);
        await Eventually.HoldsAsync(() => cluster.Of<ServingRolloutStarted>().Any(e => e.ModelName == Model && e.Version == "1"), "version 1's rollout started");
        var second = await cluster.ServeAsync(v2);

        Assert.Equal(ServingOutcome.Served, (await cluster.AnswerAsync(first)).Outcome);
        Assert.Equal(ServingOutcome.Served, (await cluster.AnswerAsync(second)).Outcome);
        Assert.Equal("2", await cluster.AliasAsync(Model));
        Assert.Equal("2", await cluster.TemplateVersionAsync("mlflow-model-queued-model-server"));
        Assert.Equal(["1", "2"], cluster.Of<ServingRolloutComplete>().Where(e => e.ModelName == Model).Select(e => e.Version));

        var late = await cluster.AnswerAsync(await cluster.ServeAsync(v1));
        Assert.Equal(ServingOutcome.Superseded, late.Outcome);
        Assert.Contains("never replaces a newer version", late.Reason, StringComparison.Ordinal);
        var state = (await cluster.ServingStateAsync(Model))!;
        Assert.Equal("2", state.Served!.Version);
        Assert.Equal([ServingLedgerEntry.Served, ServingLedgerEntry.Served, ServingLedgerEntry.Superseded], state.Ledger.Select(e => e.Outcome));
        Assert.Equal("2", await cluster.TemplateVersionAsync("mlflow-model-queued-model-server"));
    }

    [Fact]
    public async Task Should_let_the_newest_waiting_request_win_and_supersede_the_one_it_replaced()
    {
        const string model = "crowded_model";
        var versions = new List<RegisteredVersion>();
        for (var i = 0; i < 3; i++)
            versions.Add(await ServingModels.RegisterAsync(cluster, model));
        var first = await cluster.ServeAsync(versions[0]);
        var second = await cluster.ServeAsync(versions[1]);
        var third = await cluster.ServeAsync(versions[2]);

        Assert.Equal(ServingOutcome.Served, (await cluster.AnswerAsync(first)).Outcome);
        Assert.Equal(ServingOutcome.Served, (await cluster.AnswerAsync(third)).Outcome);
        var skipped = await cluster.AnswerAsync(second);
        Assert.Equal(ServingOutcome.Superseded, skipped.Outcome);
        Assert.Equal("3", await cluster.AliasAsync(model));
        Assert.DoesNotContain(cluster.Of<ServingRolloutStarted>(), e => e.ModelName == model && e.Version == "2");
    }
}
