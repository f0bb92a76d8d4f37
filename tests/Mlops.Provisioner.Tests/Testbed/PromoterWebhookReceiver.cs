using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mlops.Provisioner.Tests.Testbed;

/// <summary>
/// Stands where the ModelPromoter's webhook receiver would be: answers MLflow's deliveries on loopback and keeps each
/// with whether its signature verifies with the secret the stack's Secret holds.
/// </summary>
public sealed class PromoterWebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Delivery> _deliveries = new();

    private PromoterWebhookReceiver(WebApplication app, string secret)
    {
        _app = app;
        Secret = secret;
    }

    public Uri Url { get; private set; } = null!;

    /// <summary>The signing secret deliveries are verified with; the ModelPromoter reads it from the stack's Secret, so it changes with it.</summary>
    public string Secret { get; set; }

    public IReadOnlyCollection<Delivery> Deliveries => _deliveries;

    public static async Task<PromoterWebhookReceiver> StartAsync(string secret)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new PromoterWebhookReceiver(app, secret);
        app.MapPost("/webhooks/mlflow", (Delegate)receiver.ReceiveAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.Url = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "/webhooks/mlflow");
        return receiver;
    }

    private async Task<IResult> ReceiveAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var id = http.Request.Headers["X-MLflow-Delivery-Id"].ToString();
        var timestamp = http.Request.Headers["X-MLflow-Timestamp"].ToString();
        var signature = http.Request.Headers["X-MLflow-Signature"].ToString();
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
        var verified = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(signature));
        _deliveries.Enqueue(new Delivery(id, body, verified));
        return verified ? Results.Ok() : Results.Unauthorized();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>One delivery: MLflow's id, the body, and whether the signature verified.</summary>
    public sealed record Delivery(string Id, string Body, bool Verified);
}
