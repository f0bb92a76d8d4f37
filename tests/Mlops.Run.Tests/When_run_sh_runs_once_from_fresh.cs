using System.Text.RegularExpressions;

namespace Mlops.Run.Tests;

/// <summary><c>./run.sh --once --fresh</c>: the whole system up, the homelab's model trained and served, then everything stopped.</summary>
[Collection(RunCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class When_run_sh_runs_once_from_fresh(RunOnce run)
{
    private static readonly string[] EndpointNames =
        ["rabbitmq-management", "provisioner", "training-coordinator", "model-promoter", "kubernetes", "mlflow", "s3", "sandbox-control"];

    [Fact]
    public void Should_exit_0_and_print_the_served_version()
    {
        Assert.True(run.ExitCode == 0, $"run.sh exited {run.ExitCode}:\n{run.Output}");
        Assert.Contains(run.Lines, l => ServedLine().IsMatch(l));
    }

    [Fact]
    public void Should_print_the_flow_step_by_step_with_each_service()
    {
        Assert.True(run.ExitCode == 0, run.Output);
        var steps = run.Lines.Where(l => StepLine().IsMatch(l)).ToList();
        foreach (var (service, saga) in new[] { ("provisioner", "StackState"), ("training-coordinator", "TrainingRunState"), ("model-promoter", "PromotionState"), ("model-promoter", "ServingState") })
            Assert.Contains(steps, l => l.Contains($" {service} ", StringComparison.Ordinal) && l.Contains($" {saga} ", StringComparison.Ordinal));
        // The model is served last: no step of the flow is printed after the line that says so.
        var served = run.Lines.ToList().FindIndex(l => ServedLine().IsMatch(l));
        Assert.DoesNotContain(run.Lines.Skip(served + 1), l => StepLine().IsMatch(l));
    }

    [Fact]
    public void Should_write_every_endpoint_on_the_run_ports()
    {
        var endpoints = run.Pairs("endpoints");
        foreach (var name in EndpointNames)
        {
            Assert.True(endpoints.TryGetValue(name, out var url), $"no {name} in endpoints: {string.Join(", ", endpoints.Keys)}");
            Assert.True(Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Host == "127.0.0.1", $"{name} {url}");
        }
        foreach (var name in EndpointNames.Except(["rabbitmq-management"]))
        {
            var port = new Uri(endpoints[name]).Port;
            Assert.InRange(port, run.PortBase, run.PortBase + 19);
        }
        // No dashboard exists yet: run.sh says so instead of naming one.
        Assert.DoesNotContain("dashboard", endpoints.Keys);
        Assert.Contains(run.Lines, l => l.StartsWith("dashboard", StringComparison.Ordinal) && l.Contains("not built yet", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_write_the_secrets_readable_by_the_owner_only()
    {
        var path = Path.Combine(run.RunDirectory, "secrets");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var secrets = run.Pairs("secrets");
        Assert.True(secrets["ops-token"].Length >= 16);
        Assert.True(secrets["webhook-secret"].Length >= 16);
        Assert.DoesNotContain(secrets["ops-token"], run.Output);
        Assert.DoesNotContain(secrets["webhook-secret"], run.Output);
    }

    [Fact]
    public void Should_leave_no_process_and_no_port_behind()
    {
        Assert.Empty(run.ProcessesOfTheRun());
        Assert.All(Enumerable.Range(run.PortBase, 20), port => Assert.True(RunOnce.PortIsFree(port), $"port {port} still taken"));
    }

    [GeneratedRegex(@"^ServingRolloutComplete cnn_classifier \d+$")]
    private static partial Regex ServedLine();

    [GeneratedRegex(@"^\d+\.\ds\s+(provisioner|training-coordinator|model-promoter)\s+\w+State\s")]
    private static partial Regex StepLine();
}
