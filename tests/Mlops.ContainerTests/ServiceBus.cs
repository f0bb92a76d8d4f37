using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mlops.ServiceDefaults;
using Mlops.Testing;

namespace Mlops.ContainerTests;

/// <summary>
/// A host configured as every service is (<c>AddServiceDefaults</c>, its own SQLite saga store, quorum queues) with one
/// consumer, on a RabbitMQ container of its own. Nothing starts without a Docker engine.
/// </summary>
public sealed class ServiceBus : IAsyncLifetime
{
    /// <summary>The application name the host runs as: its queues start with <c>container-probe-</c>.</summary>
    public const string ApplicationName = "Mlops.ContainerProbe";

    private SqliteStoreFile? _store;
    private WebApplication? _app;

    public RabbitMqBroker Broker { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        if (!DockerEngine.IsReachable)
            return;
        Broker = await RabbitMqBroker.StartAsync();
        _store = SqliteStoreFile.Create("mlops-container-bus");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = ApplicationName });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["RABBITMQ_URL"] = Broker.AmqpUrl.ToString();
        // As the chart sets it for a broker that runs as a cluster.
        builder.Configuration["RabbitMq:QuorumQueues"] = "true";
        foreach (var (key, value) in _store.Settings())
            builder.Configuration[key] = value;
        builder.AddServiceDefaults(bus => bus.AddConsumer<BucketReadyProbe>());
        builder.Services.AddSingleton<BucketReadyProbe.Seen>();
        builder.Services.AddSingleton<IMeterFactory>(ProcessMeterFactory.Instance);
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapDefaultEndpoints();
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        if (_store is not null)
            await _store.DisposeAsync();
        if (Broker is not null)
            await Broker.DisposeAsync();
    }
}
