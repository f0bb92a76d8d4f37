using System.Net.Sockets;

namespace Mlops.Dashboard.Tests;

/// <summary><c>mlopsctl dashboard</c> as a command: bad settings end it with exit 2 and a reason, a taken port with 1, SIGTERM with 0.</summary>
[Collection(DashboardCollection.Name)]
public sealed class When_the_dashboard_is_started_and_stopped(DashboardWorld world)
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Should_stop_listening_and_exit_0_on_SIGTERM()
    {
        var dashboard = await DashboardProcess.StartAsync(world.DashboardEnvironment());
        await using (dashboard)
        {
            Assert.Equal(0, await dashboard.StopAsync());
            using var client = new TcpClient();
            await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync("127.0.0.1", dashboard.Url.Port));
        }
    }

    [Fact]
    public async Task Should_exit_2_for_a_bind_that_is_not_an_IP_address_and_without_a_token()
    {
        await using var named = DashboardProcess.Launch(world.DashboardEnvironment(), "--bind", "dashboard.example");
        Assert.Equal(2, await named.WaitForExitAsync(ExitTimeout));
        Assert.Contains(named.Output, l => l.Contains("--bind dashboard.example: give an IP address", StringComparison.Ordinal));

        var environment = world.DashboardEnvironment();
        environment.Remove("MLOPS_TOKEN");
        await using var tokenless = DashboardProcess.Launch(environment, "--port", "0");
        Assert.Equal(2, await tokenless.WaitForExitAsync(ExitTimeout));
        Assert.Contains(tokenless.Output, l => l.StartsWith("No ops token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_exit_1_naming_the_address_when_the_port_is_taken()
    {
        var port = world.Dashboard.Url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var second = DashboardProcess.Launch(world.DashboardEnvironment(), "--port", port);
        Assert.Equal(1, await second.WaitForExitAsync(ExitTimeout));
        Assert.Contains(second.Output, l => l.StartsWith($"The dashboard cannot listen on 127.0.0.1:{port}", StringComparison.Ordinal));
    }
}
