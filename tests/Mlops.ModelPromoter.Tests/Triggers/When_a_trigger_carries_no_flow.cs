using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Tests.Promotion;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests.Triggers;

/// <summary>One flow stays one flow: a promotion started from MinIO reads mlops.flow_id and mlops.stack from the run and reuses them.</summary>
[Collection(PromoterCollection.Name)]
public sealed class When_a_trigger_carries_no_flow(PromoterSandbox sandbox)
{
    [Fact]
    public async Task Should_continue_the_runs_flow_on_the_runs_stack()
    {
        await using var rig = await PromoterRig.StartAsync(sandbox);
        var other = await rig.StackAsync();
        var tagged = await rig.StackAsync();
        var flow = Guid.NewGuid();
        var model = RegistrySeed.NewModelName();
        var (version, runId, _) = await rig.Registry.ReadyVersionAsync(model, tags: new Dictionary<string, string>
        {
            ["mlops.flow_id"] = flow.ToString(),
            ["mlops.stack"] = tagged.StackName,
        });

        await BucketEvents.PublishAsync(sandbox, await BucketEvents.FixtureAsync("minio-mlmodel-put.json", "0", runId));
        var (record, _) = await rig.InStateAsync(PromotionIds.Automatic(model, version), "Promoted");

        Assert.Equal(flow.ToString(), record.FlowId);
        var started = await Eventually.ReturnsAsync(() => Task.FromResult(rig.Events.Started.FirstOrDefault(e => e.ModelName == model)), "PromotionStarted");
        Assert.Equal(flow, started.FlowId);
        var serve = Assert.Single(rig.Serving.For(model));
        Assert.Equal((flow, tagged.StackName), (serve.FlowId, serve.Stack.StackName));
        Assert.NotEqual(other.StackName, serve.Stack.StackName);
    }
}
