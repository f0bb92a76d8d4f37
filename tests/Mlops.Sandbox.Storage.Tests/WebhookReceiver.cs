using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>An HTTP endpoint on a free loopback port that records webhook deliveries and can answer an error status at first.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failuresLeft;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedDelivery> Deliveries { get; } = new();

    public Uri Url { get; private set; } = null!;

    /// <summary>
    /// Starts listening; the first <paramref name="failFirst"/> deliveries get <paramref name="failStatus"/>, with a
    /// <c>Retry-After</c> header when <paramref name="retryAfter"/> is given.
    /// </summary>
    public static async Task<WebhookReceiver> StartAsync(int failFirst = 0, int failStatus = 503, string? retryAfter = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app) { _failuresLeft = failFirst };
        app.MapPost("/hook", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            var failing = Interlocked.Decrement(ref receiver._failuresLeft) >= 0;
            var status = failing ? failStatus : 200;
            if (failing && retryAfter is not null)
                http.Response.Headers.RetryAfter = retryAfter;
            receiver.Deliveries.Enqueue(new ReceivedDelivery(
                http.Request.Headers["X-MLflow-Delivery-Id"].ToString(),
                http.Request.Headers["X-MLflow-Timestamp"].ToString(),
                http.Request.Headers["X-MLflow-Signature"].ToString(),
                http.Request.ContentType ?? "",
                body,
                status,
                DateTimeOffset.UtcNow));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        receiver.Url = new Uri(address + "/hook");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
