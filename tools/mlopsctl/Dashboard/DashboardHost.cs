using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mlops.Ctl.Dashboard;

/// <summary>The dashboard's web host: its page, its JSON API over <see cref="DashboardOverview"/>, on one address and port.</summary>
internal sealed class DashboardHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardHost(WebApplication app) => _app = app;

    /// <summary>Where it listens once started, e.g. <c>http://127.0.0.1:8080/</c>.</summary>
    public Uri Url
    {
        get
        {
            var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            return new Uri(address.EndsWith('/') ? address : address + "/");
        }
    }

    public static DashboardHost Create(IPAddress bind, int port, IReadOnlyCollection<string> allowedHosts, DashboardOverview overview)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(bind, port));
        // Problems are shown on the page; the console keeps only what an operator must see.
        builder.Logging.ClearProviders().AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Hosting", LogLevel.None); // a failed start is reported by the command itself
        builder.Services.AddSingleton(overview);
        builder.Services.AddSingleton(new DashboardRequestGuard(IPAddress.IsLoopback(bind), allowedHosts));
        var app = builder.Build();
        app.Use((context, next) => context.RequestServices.GetRequiredService<DashboardRequestGuard>().InvokeAsync(context, next));
        app.MapDashboardEndpoints();
        return new DashboardHost(app);
    }

    /// <summary>Cancelled when the host stops on its own, e.g. on SIGTERM, which the host's console lifetime takes.</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    public Task StartAsync(CancellationToken cancellationToken) => _app.StartAsync(cancellationToken);

    public Task StopAsync() => _app.StopAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
