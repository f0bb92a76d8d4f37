using System.Diagnostics;
using Mlops.Testing;
using Xunit.Abstractions;

namespace Mlops.Chaos.Tests;

/// <summary>The end of every scenario: the report written, then every invariant of <see cref="ChaosAudit"/> and <see cref="SecretScan"/> asserted at once.</summary>
public static class ChaosVerdict
{
    /// <param name="republishing">
    /// Whether a message may be published twice with one id: yes where processes are killed (an outbox row dispatched but
    /// not yet marked sent is sent again, and the consumers' inbox drops it); never where nothing is killed.
    /// </param>
    /// <param name="replayed">Failed sagas replayed: their failures are part of the scenario, and only a flow still not served is a problem.</param>
    public static async Task AssertAsync(ITestOutputHelper output, string scenario, ChaosRun run, IReadOnlyList<Kill> kills, IReadOnlyList<ChaosFlow> lost,
        bool republishing, int replayed = 0)
    {
        // The audit reads the sandbox as the services left it: no fault of the scenario may answer the suite itself.
        run.Chart.Sandbox.Faults.ClearAll();
        var took = new List<string>();
        var clock = Stopwatch.StartNew();
        // A flow served just before a kill may still have its last messages in flight: wait (a while) until the sagas rest.
        IReadOnlyList<string> restless = await ChaosAudit.NotAtRestAsync(run.Chart, run.Flows);
        if (lost.Count == 0)
        {
            try
            {
                await Eventually.HoldsAsync(async () => (restless = await ChaosAudit.NotAtRestAsync(run.Chart, run.Flows)).Count == 0,
                    "every saga at rest", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1));
            }
            catch (TimeoutException)
            {
                // Reported below with the rest.
            }
        }
        took.Add($"at rest {clock.Elapsed.TotalSeconds:F1} s");
        var twice = ChaosAudit.ServedTwice(run.Observer.Events);
        clock.Restart();
        var line = await ChaosReport.WriteAsync(scenario, run, kills, twice.Count, lost);
        took.Add($"report {clock.Elapsed.TotalSeconds:F1} s");
        output.WriteLine(line);
        foreach (var kill in kills)
            output.WriteLine($"  killed {kill.Service}[{kill.Replica}] at {kill.Progress:P0}, ready again in {kill.BackToReady.TotalSeconds:F1} s");

        var problems = new List<string>();
        problems.AddRange(lost.Select(f => $"{f.Model} (training {f.TrainingId}) was not served"));
        if (replayed == 0)
            problems.AddRange(run.Observer.Failures());
        else
            output.WriteLine($"{replayed} failed sagas replayed after: " + string.Join("; ", run.Observer.Failures()));
        problems.AddRange(twice);
        var republished = run.Trace.PublishedTwice();
        output.WriteLine($"{run.Trace.Publishes} publishes, {republished.Count} message ids published more than once");
        if (!republishing)
            problems.AddRange(republished);
        problems.AddRange(ChaosAudit.DuplicateObjects(run.Chart));
        problems.AddRange(await Checked("the registry's versions", () => ChaosAudit.DuplicateVersionsAsync(run.Chart, run.Flows), took));
        problems.AddRange(await Checked("the error queues", () => ChaosAudit.LeftInErrorQueuesAsync(run.Chart), took));
        problems.AddRange(restless);
        problems.AddRange(await Checked("the secret scan", () => SecretScan.FindAsync(run.Chart), took));
        output.WriteLine("the audit took: " + string.Join(", ", took));
        Assert.True(problems.Count == 0, $"{line}\n" + string.Join("\n", problems.Take(60)) + (lost.Count > 0 ? $"\n{await run.Chart.StateAsync()}\n{run.Chart.Output()}" : ""));
    }

    // A check that cannot be made is a problem of its own, reported with the others rather than instead of them.
    // Each check's time goes into the output, so that a slow verdict says which check to make cheaper.
    private static async Task<IReadOnlyList<string>> Checked(string what, Func<Task<IReadOnlyList<string>>> check, List<string> took)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            return await check();
        }
        catch (Exception ex)
        {
            return [$"{what} could not be checked: {ex.GetType().Name}: {ex.Message}"];
        }
        finally
        {
            took.Add($"{what} {clock.Elapsed.TotalSeconds:F1} s");
        }
    }
}
