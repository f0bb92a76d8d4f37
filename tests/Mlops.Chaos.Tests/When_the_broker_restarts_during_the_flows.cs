using System.Net;
using Mlops.Testing;
using Mlops.Testing.Chart;
using Xunit.Abstractions;

namespace Mlops.Chaos.Tests;

/// <summary>
/// The homelab configuration on a RabbitMQ node of the suite's own (its own name, ports and data: the shared broker is
/// not touched), stopped cleanly a third of the way through the flows and started again. The services reconnect without
/// being restarted, say so on <c>/health/ready</c> while it lasts, and every flow is served once; MinIO's events for the
/// models logged during the outage wait in its <c>QUEUE_DIR</c> and are not lost.
/// </summary>
public sealed class When_the_broker_restarts_during_the_flows(ITestOutputHelper output)
{
    [Fact]
    public async Task Should_reconnect_without_a_restart_and_serve_every_flow()
    {
        var scale = ChaosScale.Current;
        await using var node = await RabbitMqNode.StartAsync();
        await using var run = await ChaosRun.StartAsync("ci/sqlite-values.yaml", new ChartRunOptions { Broker = node });
        var processes = run.Services().Values.SelectMany(p => p).ToList();

        await run.StartFlowsAsync(scale.Flows);
        await run.WaitForProgressAsync(1.0 / 3, scale.FlowLimit);
        await node.StopAsync();
        foreach (var process in processes)
        {
            await Eventually.HoldsAsync(async () => (await process.Http.GetAsync("health/ready")).StatusCode != HttpStatusCode.OK,
                $"{process.Project} not ready while the broker is down", TimeSpan.FromSeconds(60));
            Assert.Equal(HttpStatusCode.OK, (await process.Http.GetAsync("health/live")).StatusCode);
        }
        await node.StartAgainAsync();
        foreach (var process in processes)
            await process.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
        var lost = await run.WaitForFlowsAsync(scale.FlowLimit);

        Assert.All(processes, p => Assert.True(p.IsRunning && !p.Output.Any(l => l.Contains("restarted ---", StringComparison.Ordinal)), $"{p.Project} was restarted"));
        // One run-artifact saga per flow's model: MinIO's event for every MLmodel reached the ModelPromoter, those of the
        // outage too. Counted once every flow was served; flows not served are the verdict's to report, with their state.
        if (lost.Count == 0)
        {
            var artifacts = await ChaosAudit.SagaCountAsync(run.Chart, "modelPromoter", "RunArtifactState");
            Assert.True(artifacts >= scale.Flows, $"{artifacts} run-artifact sagas for {scale.Flows} flows: MinIO events were lost");
        }
        await ChaosVerdict.AssertAsync(output, "broker", run, [], lost, republishing: true);
    }
}
