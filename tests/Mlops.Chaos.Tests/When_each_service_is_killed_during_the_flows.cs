using Xunit.Abstractions;

namespace Mlops.Chaos.Tests;

/// <summary>
/// The homelab configuration (SQLite stores, one replica each): <see cref="ChaosScale.Flows"/> trainings started at once,
/// and each service SIGKILLed <see cref="ChaosScale.KillsPerService"/> times at random points of the run and started
/// again. Every flow must be served, once, with nothing duplicated, stuck, in an error queue or leaked.
/// </summary>
public sealed class When_each_service_is_killed_during_the_flows(ITestOutputHelper output)
{
    [Fact]
    public async Task Should_serve_every_flow_once_with_nothing_lost_duplicated_or_leaked()
    {
        var scale = ChaosScale.Current;
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}: {scale.Flows} flows, {scale.KillsPerService} kills per service");
        await using var run = await ChaosRun.StartAsync("ci/sqlite-values.yaml");
        var killer = new ServiceKiller(run.Services(), scale.KillsPerService, seed);

        await run.StartFlowsAsync(scale.Flows);
        using var stop = new CancellationTokenSource();
        var killing = killer.RunAsync(run.Progress, stop.Token);
        var lost = await run.WaitForFlowsAsync(scale.FlowLimit);
        stop.Cancel();
        await killing.ContinueWith(_ => { }, TaskScheduler.Default);

        await ChaosVerdict.AssertAsync(output, "killed", run, killer.Kills, lost, republishing: true);
        Assert.Equal(3 * scale.KillsPerService, killer.Kills.Count);
    }
}
