using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mlops.Testing;

namespace Mlops.Run.Tests;

/// <summary><c>./run.sh --once --fresh</c>: the whole system up, the homelab's model trained and served, then everything stopped.</summary>
[Collection(RunCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class When_run_sh_runs_once_from_fresh(RunOnce run)
{
    private static readonly string[] EndpointNames =
        ["rabbitmq-management", "provisioner", "training-coordinator", "model-promoter", "kubernetes", "mlflow", "s3", "sandbox-control", "dashboard"];

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
        Assert.Contains(run.Lines, l => l.StartsWith("dashboard ", StringComparison.Ordinal) && l.Contains(endpoints["dashboard"], StringComparison.Ordinal));
    }

    [Fact]
    public void Should_serve_the_dashboard_page_and_its_overview_of_every_service_while_it_runs()
    {
        Assert.True(run.DashboardPage is not null, $"the dashboard was not fetched: {run.DashboardProblem}\n{run.Output}");
        var (status, page) = run.DashboardPage.Value;
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<title>MLOps control plane</title>", page, StringComparison.Ordinal);
        var (overviewStatus, body) = run.DashboardOverview!.Value;
        Assert.Equal(HttpStatusCode.OK, overviewStatus);
        using var overview = JsonDocument.Parse(body);
        var services = overview.RootElement.GetProperty("services").EnumerateArray().ToList();
        Assert.Equal(["provisioner", "training-coordinator", "model-promoter"], services.Select(s => s.GetProperty("name").GetString()));
        Assert.All(services, s => Assert.Equal(JsonValueKind.Null, s.GetProperty("error").ValueKind));
        Assert.Equal(JsonValueKind.Null, overview.RootElement.GetProperty("queues").GetProperty("error").ValueKind);
        // The token stays in the dashboard's process: neither the page nor its data carry it.
        var token = run.Pairs("secrets")["ops-token"];
        Assert.DoesNotContain(token, page, StringComparison.Ordinal);
        Assert.DoesNotContain(token, body, StringComparison.Ordinal);
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
        Assert.All(Enumerable.Range(run.PortBase, 20), port => Assert.True(LoopbackPorts.IsFree(port), $"port {port} still taken"));
    }

    [GeneratedRegex(@"^ServingRolloutComplete cnn_classifier \d+$")]
    private static partial Regex ServedLine();

    [GeneratedRegex(@"^\d+\.\ds\s+(provisioner|training-coordinator|model-promoter)\s+\w+State\s")]
    private static partial Regex StepLine();
}
