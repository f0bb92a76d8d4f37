using System.CommandLine;
using System.Net;

namespace Mlops.Ctl.Dashboard;

/// <summary><c>mlopsctl dashboard [--port 8080] [--bind 127.0.0.1] [--allowed-host NAME…] [--vhost /]</c>: serves the dashboard page until stopped.</summary>
internal static class DashboardCommand
{
    private static readonly Option<int> Port = new("--port") { Description = "Port to listen on (0: any free port)", DefaultValueFactory = _ => 8080 };

    private static readonly Option<string> Bind = new("--bind")
    {
        Description = "IP address to listen on; anything but loopback lets whoever reaches it act with the ops token",
        DefaultValueFactory = _ => "127.0.0.1",
    };

    private static readonly Option<string[]> AllowedHosts = new("--allowed-host")
    {
        Description = "A DNS name the page may be opened by, e.g. dashboard.lan; repeat for more (loopback names always, IP addresses beyond loopback)",
    };

    private static readonly Option<string> VirtualHost = new("--vhost") { Description = "RabbitMQ vhost of the services' queues", DefaultValueFactory = _ => "/" };

    public static Command Build(Func<Func<CtlContext, ParseResult, CancellationToken, Task<int>>, Func<ParseResult, CancellationToken, Task<int>>> run)
    {
        var command = new Command("dashboard", "Serve the dashboard: flows, failed sagas with Replay, approvals, models, triggers and queues, updated every 2 s.\n"
            + "The page talks only to this process, which calls the services with the token; the token never reaches the browser.\n"
            + "Example: mlopsctl dashboard --port 8080") { Port, Bind, AllowedHosts, VirtualHost };
        command.SetAction(run(RunAsync));
        return command;
    }

    private static async Task<int> RunAsync(CtlContext context, ParseResult parsed, CancellationToken cancellationToken)
    {
        var port = parsed.GetValue(Port);
        if (port is < 0 or > 65535)
            throw new CtlException(CtlExit.BadUsage, $"--port {port}: a port is 0 to 65535.");
        var bindText = parsed.GetValue(Bind) ?? "127.0.0.1";
        if (!IPAddress.TryParse(bindText, out var bind))
            throw new CtlException(CtlExit.BadUsage, $"--bind {bindText}: give an IP address, e.g. 127.0.0.1 or 0.0.0.0.");
        var allowedHosts = parsed.GetValue(AllowedHosts) ?? [];
        foreach (var name in allowedHosts)
        {
            if (Uri.CheckHostName(name) != UriHostNameType.Dns)
                throw new CtlException(CtlExit.BadUsage, $"--allowed-host {name}: give a DNS name such as dashboard.lan (IP addresses need no flag).");
        }
        var vhost = parsed.GetValue(VirtualHost) ?? "/";
        if (vhost.Length is 0 or > 255 || vhost.Any(char.IsControl))
            throw new CtlException(CtlExit.BadUsage, $"--vhost: a vhost name is 1 to 255 characters without control characters.");

        // Both checked now, so a missing URL or token stops the command before anything listens.
        var services = context.Clients();
        using var overview = new DashboardOverview(services, context.Settings.Management, vhost);
        await using var host = DashboardHost.Create(bind, port, allowedHosts, overview);
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            throw new CtlException(CtlExit.Failed, $"The dashboard cannot listen on {bind}:{port}: {ex.Message}");
        }
        var url = host.Url;
        if (!IPAddress.IsLoopback(bind))
            await context.Output.Error.WriteLineAsync($"Warning: the dashboard listens on {bind}: whoever reaches it can replay and approve with the ops token.");
        await context.Output.Raw.WriteLineAsync($"Dashboard listening on {url}");
        await context.Output.Raw.FlushAsync(cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, host.Stopping);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C or SIGTERM: stop listening and exit 0.
        }
        await host.StopAsync();
        return CtlExit.Done;
    }
}
