using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mlops.SagaStore;
using Mlops.ServiceDefaults.Health;
using Mlops.ServiceDefaults.Messaging;
using Mlops.ServiceDefaults.Ops;
using Mlops.ServiceDefaults.Telemetry;

namespace Mlops.ServiceDefaults;

/// <summary>The one call every service makes: bus, saga store, health, telemetry and logging, the same everywhere.</summary>
public static class ServiceDefaultsExtensions
{
    /// <param name="builder">The service's host builder.</param>
    /// <param name="configureBus">Registers the service's consumers and sagas, one line each.</param>
    public static IHostApplicationBuilder AddServiceDefaults(
        this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? configureBus = null)
    {
        var identity = ServiceIdentity.From(builder);
        builder.Services.AddSingleton(identity);
        builder.AddTelemetry(identity);
        builder.AddDefaultHealthChecks();
        // Every saga of the service lives in its own durable store; readiness covers it with the broker.
        builder.Services.AddSagaStore(builder.Configuration);
        builder.AddMessaging(identity, configureBus);
        builder.AddOpsApi();
        return builder;
    }

    /// <summary>Health probes and the Prometheus scrape endpoint (open), and the ops API (behind its bearer tokens).</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthEndpoints();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapOpsApi();
        return app;
    }
}
