using Mlops.ModelPromoter.Serving;

namespace Mlops.ModelPromoter.Tests;

/// <summary>A model logged without an input example: served, and the smoke check says it was skipped and why.</summary>
[Collection(ServingCollection.Name)]
public sealed class ServingWhenAModelHasNoInputExample(ServingCluster cluster)
{
    [Fact]
    public async Task Should_serve_it_and_say_the_smoke_check_was_skipped()
    {
        var version = await ServingModels.RegisterAsync(cluster, "exampleless_model", withExamples: false);

        var answer = await cluster.AnswerAsync(await cluster.ServeAsync(version));

        Assert.Equal(ServingOutcome.Served, answer.Outcome);
        var entry = (await cluster.ServingStateAsync("exampleless_model"))!.Ledger.Single();
        Assert.StartsWith("skipped: ", entry.SmokeCheck, StringComparison.Ordinal);
        Assert.Contains("serving_input_example.json", entry.SmokeCheck, StringComparison.Ordinal);
        Assert.Contains(cluster.Host.Logs.Entries, e => e.Message.Contains("exampleless_model", StringComparison.Ordinal) && e.Message.Contains("skipped", StringComparison.Ordinal));
    }
}
