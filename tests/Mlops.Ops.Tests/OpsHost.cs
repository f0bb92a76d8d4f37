using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mlops.Ops.Tests.Reservations;
using Mlops.SagaStore;
using Mlops.ServiceDefaults;
using Mlops.ServiceDefaults.Ops;
using Mlops.Testing;

namespace Mlops.Ops.Tests;

/// <summary>
/// A service as the product builds one (AddServiceDefaults, MapDefaultEndpoints, the durable saga store, real RabbitMQ in a
/// vhost of its own) running the reservation saga, with one command endpoint mapped by MapOpsCommand, served over real HTTP.
/// </summary>
public sealed class OpsHost : IAsyncDisposable
{
    public const string AliceToken = "alice-0123456789-token";
    public const string CiBotToken = "ci-bot-9876543210-token";

    /// <summary>A secret of the service's configuration that the pool quotes in its errors: the ops API must mask it.</summary>
    public const string SchedulerKey = "sched-key-4f9a2c71";

    private readonly WebApplication _app;
    private readonly RabbitMqVirtualHost _vhost;
    private readonly SqliteStoreFile? _store;

    private OpsHost(WebApplication app, RabbitMqVirtualHost vhost, SqliteStoreFile? store, CapturedLogs logs)
    {
        _app = app;
        _vhost = vhost;
        _store = store;
        Logs = logs;
    }

    public IServiceProvider Services => _app.Services;

    public CapturedLogs Logs { get; }

    public GpuPool Pool => Services.GetRequiredService<GpuPool>();

    public Uri BaseAddress { get; private set; } = null!;

    /// <param name="storeSettings">SagaStore settings (PostgreSQL); without them a SQLite file of the host's own.</param>
    public static async Task<OpsHost> StartAsync(IReadOnlyDictionary<string, string?>? storeSettings = null)
    {
        var vhost = await RabbitMqVirtualHost.CreateAsync("ops");
        var store = storeSettings is null ? SqliteStoreFile.Create("ops") : null;
        var logs = new CapturedLogs();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = "Mlops.OpsProbe" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.UseSetting(WebHostDefaults.PreventHostingStartupKey, "true");
        builder.Configuration["RABBITMQ_URL"] = vhost.AmqpUrl.ToString();
        foreach (var (key, value) in storeSettings ?? store!.Settings())
            builder.Configuration[key] = value;
        builder.Configuration["SagaStore:SweepInterval"] = "00:00:00.100";
        builder.Configuration["SagaStore:OutboxDispatchInterval"] = "00:00:00.200";
        builder.Configuration["Ops:Tokens:alice"] = AliceToken;
        builder.Configuration["Ops:Tokens:ci-bot"] = CiBotToken;
        builder.Configuration["Scheduler:ApiKey"] = SchedulerKey;
        builder.AddServiceDefaults(bus => bus.AddSagaStateMachine<ReservationStateMachine, ReservationState>());
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Services.AddSingleton<IMeterFactory>(ProcessMeterFactory.Instance);
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        builder.Services.AddSingleton(new GpuPool(SchedulerKey));
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapOpsCommand("/ops/pools/{pool}/reservations", (request, who) =>
        {
            var body = request.Body<ReservationBody>();
            OpsCommandRequest.Require(body.Hours is >= 1 and <= 72, "hours", "A reservation is for 1 to 72 hours.");
            OpsCommandRequest.Require(body.ReservationId != Guid.Empty, "reservationId", "The reservation id must not be all zeros.");
            return new ReserveGpu
            {
                FlowId = request.FlowId,
                OccurredAt = request.OccurredAt,
                ReservationId = body.ReservationId,
                Pool = request.Route("pool", maxLength: 63),
                Hours = body.Hours,
                RequestedBy = who,
                SchedulerToken = body.SchedulerToken,
                Note = body.Note,
            };
        });
        var host = new OpsHost(app, vhost, store, logs);
        try
        {
            await app.StartAsync();
            host.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    /// <summary>An HTTP client of the host with <paramref name="token"/> as bearer token (none when null).</summary>
    public HttpClient Client(string? token = AliceToken)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Posts a reservation through the command endpoint as ci-bot and returns its id once the saga exists.</summary>
    public async Task<Guid> ReserveAsync(string pool = "lab-1", Guid? flowId = null, string? schedulerToken = null, string? note = null)
    {
        var id = NewId.NextGuid();
        using var client = Client(CiBotToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"ops/pools/{pool}/reservations")
        {
            Content = JsonContent.Create(new { reservationId = id, hours = 4, schedulerToken, note }),
        };
        if (flowId is { } flow)
            request.Headers.Add(OpsCommandRequest.FlowIdHeader, flow.ToString());
        using var response = await client.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.HoldsAsync(async () => await Catalog.FindAsync(id) is not null, $"reservation {id} stored");
        return id;
    }

    public ISagaCatalog Catalog => Services.GetRequiredService<ISagaCatalog>();

    public Task PublishAsync<T>(T message) where T : class => Services.GetRequiredService<IBus>().Publish(message);

    /// <summary>GET /ops/sagas/{id} as alice.</summary>
    public async Task<JsonElement> ShowAsync(Guid id)
    {
        using var client = Client();
        return await client.GetFromJsonAsync<JsonElement>($"ops/sagas/{id}");
    }

    /// <summary>Waits until the saga is in <paramref name="state"/> as the ops API shows it, and returns what it shows.</summary>
    public async Task<JsonElement> InStateAsync(Guid id, string state, Func<JsonElement, bool>? also = null)
    {
        JsonElement shown = default;
        await Eventually.HoldsAsync(async () =>
        {
            shown = await ShowAsync(id);
            return shown.GetProperty("saga").GetProperty("state").GetString() == state && (also?.Invoke(shown) ?? true);
        }, $"saga {id} in {state}");
        return shown;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _vhost.DisposeAsync();
        if (_store is not null)
            await _store.DisposeAsync();
    }
}
