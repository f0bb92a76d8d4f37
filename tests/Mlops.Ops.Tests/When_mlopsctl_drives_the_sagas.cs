using System.Text.Json;
using Mlops.Ctl;

namespace Mlops.Ops.Tests;

/// <summary>mlopsctl's saga and flow commands against a service's ops API: tables or JSON, --wait, and exit codes with a meaning.</summary>
public sealed class When_mlopsctl_drives_the_sagas : IAsyncLifetime
{
    private OpsHost _host = null!;

    // A host per test: --all-failed replays every failed saga the host has.
    public async Task InitializeAsync() => _host = await OpsHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Should_list_and_show_a_failed_saga_as_json_and_as_tables()
    {
        var id = await _host.ReserveAsync(schedulerToken: "tok-live-55aa11");
        await _host.InStateAsync(id, "Failed");

        var listed = await Mlopsctl.RunAsync(_host, "sagas", "list", "--state", "Failed", "--json");
        Assert.Equal(CtlExit.Done, listed.ExitCode);
        var row = Assert.Single(listed.Json.EnumerateArray());
        Assert.Equal("training-coordinator", row.GetProperty("service").GetString());
        Assert.Equal(id, row.GetProperty("saga").GetProperty("id").GetGuid());

        var table = await Mlopsctl.RunAsync(_host, "sagas", "list");
        Assert.Contains(id.ToString(), table.Output, StringComparison.Ordinal);
        Assert.Contains("reserve-gpu: InvalidOperationException", table.Output, StringComparison.Ordinal);

        var shown = await Mlopsctl.RunAsync(_host, "sagas", "show", id.ToString());
        Assert.Equal(CtlExit.Done, shown.ExitCode);
        Assert.Contains("ReservationState", shown.Output, StringComparison.Ordinal);
        Assert.Contains("ci-bot", shown.Output, StringComparison.Ordinal);
        Assert.Contains("replay: possible", shown.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("tok-live-55aa11", shown.Output, StringComparison.Ordinal);
        var json = await Mlopsctl.RunAsync(_host, "sagas", "show", id.ToString(), "--json");
        Assert.Equal("Failed", json.Json.GetProperty("saga").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Should_replay_and_wait_until_the_step_succeeded()
    {
        var id = await _host.ReserveAsync();
        await _host.InStateAsync(id, "Failed");
        _host.Pool.Open();

        var replayed = await Mlopsctl.RunAsync(_host, "sagas", "replay", id.ToString(), "--wait", "--timeout", "00:00:30");
        Assert.True(replayed.ExitCode == CtlExit.Done, replayed.Output + replayed.Error);
        Assert.Contains("ReplaySaga sent as alice; step done, now Reserved", replayed.Output, StringComparison.Ordinal);
        Assert.Contains($"… {id} Reserved", replayed.Error, StringComparison.Ordinal);

        var again = await Mlopsctl.RunAsync(_host, "sagas", "replay", id.ToString());
        Assert.Equal(CtlExit.Failed, again.ExitCode);
        Assert.Contains("refused: ReservationState", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_exit_1_when_the_replayed_step_fails_again()
    {
        var id = await _host.ReserveAsync();
        await _host.InStateAsync(id, "Failed");
        var replayed = await Mlopsctl.RunAsync(_host, "sagas", "replay", id.ToString(), "--wait", "--json");
        Assert.Equal(CtlExit.Failed, replayed.ExitCode);
        Assert.StartsWith("ReplaySaga sent as alice; failed again: InvalidOperationException",
            replayed.Json[0].GetProperty("outcome").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_replay_every_failed_saga_and_cancel_one_with_a_reason()
    {
        var first = await _host.ReserveAsync(pool: "lab-a");
        var second = await _host.ReserveAsync(pool: "lab-b");
        await _host.InStateAsync(first, "Failed");
        await _host.InStateAsync(second, "Failed");
        _host.Pool.Open("lab-a");
        _host.Pool.Open("lab-b");

        var all = await Mlopsctl.RunAsync(_host, "sagas", "replay", "--all-failed", "--json");
        Assert.Equal(CtlExit.Done, all.ExitCode);
        Assert.Equal(new[] { first, second }.Order(), all.Json.EnumerateArray().Select(r => r.GetProperty("id").GetGuid()).Order());
        await _host.InStateAsync(first, "Reserved");
        await _host.InStateAsync(second, "Reserved");

        var cancelled = await Mlopsctl.RunAsync(_host, "sagas", "cancel", first.ToString(), "--reason", "lab-a rebuilt", "--wait");
        Assert.True(cancelled.ExitCode == CtlExit.Done, cancelled.Output + cancelled.Error);
        Assert.Contains("CancelSaga sent as alice; now Cancelled", cancelled.Output, StringComparison.Ordinal);
        var shown = await _host.ShowAsync(first);
        Assert.Equal("lab-a rebuilt", shown.GetProperty("data").GetProperty("CancelReason").GetString());
    }

    [Fact]
    public async Task Should_show_a_flow_as_one_timeline()
    {
        var flow = Guid.NewGuid();
        var id = await _host.ReserveAsync(flowId: flow);
        await _host.InStateAsync(id, "Failed");

        var shown = await Mlopsctl.RunAsync(_host, "flows", "show", flow.ToString(), "--json");
        Assert.Equal(CtlExit.Done, shown.ExitCode);
        var timeline = shown.Json.GetProperty("timeline").EnumerateArray().ToArray();
        Assert.Equal("ReserveGpu", timeline[0].GetProperty("line").GetProperty("event").GetString());
        Assert.All(timeline, t => Assert.Equal("training-coordinator", t.GetProperty("service").GetString()));
        var table = await Mlopsctl.RunAsync(_host, "flows", "show", flow.ToString());
        Assert.Contains("at reserve-gpu: InvalidOperationException", table.Output, StringComparison.Ordinal);

        var none = await Mlopsctl.RunAsync(_host, "flows", "show", Guid.NewGuid().ToString());
        Assert.Equal(CtlExit.Failed, none.ExitCode);
    }

    [Fact]
    public async Task Should_exit_with_the_code_that_says_what_went_wrong()
    {
        Assert.Equal(CtlExit.BadUsage, (await Mlopsctl.RunAsync(_host, "sagas", "show", "not-a-guid")).ExitCode);
        Assert.Equal(CtlExit.BadUsage, (await Mlopsctl.RunAsync(_host, "sagas", "replay")).ExitCode);
        Assert.Equal(CtlExit.BadUsage, (await Mlopsctl.RunAsync(_host, "sagas", "frobnicate")).ExitCode);
        Assert.Equal(CtlExit.BadUsage, (await Mlopsctl.RunAsync((OpsHost?)null, "sagas", "list")).ExitCode);
        var wrongToken = await Mlopsctl.RunAsync(_host, "sagas", "list", "--token", "not-the-token-at-all");
        Assert.Equal(CtlExit.BadUsage, wrongToken.ExitCode);
        Assert.Contains("refused the token", wrongToken.Error, StringComparison.Ordinal);
        Assert.Equal(CtlExit.Failed, (await Mlopsctl.RunAsync(_host, "sagas", "show", Guid.NewGuid().ToString())).ExitCode);
        var down = await Mlopsctl.RunAsync(_host, "sagas", "list", "--provisioner-url", "http://127.0.0.1:1/");
        Assert.Equal(CtlExit.Unreachable, down.ExitCode);
        Assert.Contains("provisioner at http://127.0.0.1:1/ cannot be reached", down.Error, StringComparison.Ordinal);
        var help = await Mlopsctl.RunAsync(_host, "sagas", "cancel", "--help");
        Assert.Equal(CtlExit.Done, help.ExitCode);
        Assert.Contains("Example: mlopsctl sagas cancel", help.Output, StringComparison.Ordinal);
    }
}
