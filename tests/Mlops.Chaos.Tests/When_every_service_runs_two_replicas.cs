using Xunit.Abstractions;

namespace Mlops.Chaos.Tests;

/// <summary>
/// The PostgreSQL configuration: two replicas of each service on one schema per service, competing for the same queues
/// (quorum queues), each with its own deadline sweeper, outbox dispatcher and watchers. Every flow must be served once,
/// and no message id published twice: no outbox row sent by both replicas, no deadline fired by both sweepers.
/// </summary>
public sealed class When_every_service_runs_two_replicas(ITestOutputHelper output)
{
    [Fact]
    public async Task Should_serve_every_flow_once_and_publish_no_message_twice()
    {
        var scale = ChaosScale.Current;
        await using var run = await ChaosRun.StartAsync("ci/postgres-values.yaml");
        Assert.All(run.Services().Values, replicas => Assert.Equal(2, replicas.Count));

        await run.StartFlowsAsync(scale.Flows);
        var lost = await run.WaitForFlowsAsync(scale.FlowLimit);

        await ChaosVerdict.AssertAsync(output, "replicas", run, [], lost, republishing: false);
    }
}
