using MassTransit.Middleware;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Mlops.SagaStore.Hosting;
using Mlops.SagaStore.Outbox;

namespace Mlops.SagaStore;

/// <summary>Registers the saga store of a service: database, outbox, ops catalog, deadline sweeper, cleaner and health check.</summary>
public static class SagaStoreServiceCollectionExtensions
{
    /// <summary>Reads the <c>SagaStore</c> section (Provider, ConnectionString, DataDirectory, KeepFinishedFor, SweepInterval, ...) and registers the store.</summary>
    public static IServiceCollection AddSagaStore(this IServiceCollection services, IConfiguration configuration,
        string sectionName = SagaStoreOptions.SectionName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddSagaStore(SagaStoreOptions.FromConfiguration(configuration.GetSection(sectionName)));
    }

    /// <summary>
    /// Registers the store with options given in code; they are validated here, not at first use. A second call adds
    /// nothing (one store, one sweeper, one health check per service); the first call's options stay.
    /// </summary>
    public static IServiceCollection AddSagaStore(this IServiceCollection services, SagaStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
            throw new InvalidOperationException("The saga store configuration is invalid:" + string.Concat(errors.Select(e => "\n - " + e)));
        if (services.Any(d => d.ServiceType == typeof(DurableSagaStore)))
            return services;

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton<DurableSagaStore>();
        services.AddSingleton<SagaStoreMetrics>();
        services.AddSingleton<CrashHook>();
        services.AddSingleton<ISagaCatalog, SagaCatalog>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<ISagaStoreOutbox, SagaStoreOutbox>();
        // Scoped: MassTransit's outbox filter resolves it from the message's scope.
        services.AddScoped<IOutboxContextFactory<DurableSagaStore>, SagaStoreOutboxContextFactory>();
        services.AddHostedService<SagaStoreInitializer>();
        services.AddHostedService(provider => provider.GetRequiredService<OutboxDispatcher>());
        services.AddHostedService<DeadlineSweeper>();
        services.AddHostedService<FinishedSagaPurger>();
        services.AddHealthChecks().AddCheck<SagaStoreHealthCheck>("saga-store", tags: ["ready"]);
        return services;
    }
}
