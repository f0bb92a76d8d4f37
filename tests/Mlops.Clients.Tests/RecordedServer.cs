using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mlops.Clients.Tests;

/// <summary>
/// A loopback HTTP server that answers with what a test hands it and keeps every request, for the few endpoints no
/// sandbox stand-in serves yet (pods' logs, the service proxy, SelfSubjectAccessReview, MLflow 3 logged models, an
/// MLflow 2 server). Answers are written the way the real systems write them.
/// </summary>
public sealed class RecordedServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RecordedServer(WebApplication app)
    {
        _app = app;
    }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public Uri Url { get; private set; } = null!;

    public static async Task<RecordedServer> StartAsync(Func<HttpContext, RecordedRequest, Task> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new RecordedServer(app);
        app.Run(async http =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var request = new RecordedRequest(http.Request.Method, http.Request.Path + http.Request.QueryString,
                http.Request.Headers.Authorization.ToString(), http.Request.ContentType, await reader.ReadToEndAsync());
            server.Requests.Enqueue(request);
            await answer(http, request);
        });
        await app.StartAsync();
        server.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
