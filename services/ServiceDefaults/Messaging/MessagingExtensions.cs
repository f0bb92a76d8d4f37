using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mlops.SagaStore;
using OpenTelemetry.Metrics;

namespace Mlops.ServiceDefaults.Messaging;

/// <summary>MassTransit over RabbitMQ, configured the same way in every service.</summary>
public static class MessagingExtensions
{
    /// <summary>Retries of a transient error before the message goes to the error queue.</summary>
    public const int RetryLimit = 5;

    public static IHostApplicationBuilder AddMessaging(
        this IHostApplicationBuilder builder, ServiceIdentity identity, Action<IBusRegistrationConfigurator>? configureBus)
    {
        var broker = RabbitMqSettings.ReadForService(builder.Configuration);
        builder.Services.AddSingleton(broker);
        builder.Services.AddHostedService<BrokerConnectionReporter>();
        // The store's own counters (ignored duplicates and late messages) go out with MassTransit's on /metrics.
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(SagaStoreMetrics.MeterName));

        // The process starts and answers health probes while the broker is away; readiness tells.
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = false;
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });

        builder.Services.AddMassTransit(x =>
        {
            x.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(identity.Name + "-", includeNamespace: false));
            x.AddConfigureEndpointsCallback((context, _, endpoint) =>
            {
                if (broker.QuorumQueues && endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
                    rabbit.SetQuorumQueue();
                endpoint.UseDefaultPipeline(context);
            });
            x.SetDurableSagaRepositoryProvider();
            configureBus?.Invoke(x);

            x.UsingRabbitMq((context, bus) =>
            {
                bus.Host(broker.Host, (ushort)broker.Port, broker.VirtualHost, identity.Name, h =>
                {
                    if (broker.Username is not null)
                        h.Username(broker.Username);
                    if (broker.Password is not null)
                        h.Password(broker.Password);
                    if (broker.UseTls)
                        h.UseSsl(s => s.ServerName = broker.Host);
                    h.PublisherConfirmation = true;
                    h.RequestedConnectionTimeout(TimeSpan.FromSeconds(10));
                });
                // The bus's own reply queue reads as this service's in the management UI too.
                bus.OverrideDefaultBusEndpointQueueName($"{identity.Name}-bus-{NewId.NextGuid():N}");
                bus.UseConsumeFilter(typeof(FlowScopeFilter<>), context);
                bus.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    /// <summary>Immediate retries of a lost optimistic-concurrency race on a saga instance.</summary>
    public const int ConcurrencyRetryLimit = 20;

    /// <summary>
    /// Bounded exponential retry of transient errors, immediate retries of concurrency conflicts, then a message scope, then
    /// the saga store's transactional outbox and inbox: what a consumer or saga publishes is committed with its state and
    /// delivered after the commit, a retried or failed message publishes nothing, and a redelivered one changes nothing.
    /// </summary>
    public static void UseDefaultPipeline(this IReceiveEndpointConfigurator endpoint, IRegistrationContext context)
    {
        endpoint.UseMessageRetry(r =>
        {
            r.Exponential(RetryLimit, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(400));
            r.Handle<Exception>(TransientErrors.IsTransient);
        });
        // Two replicas racing on one saga is routine, not trouble: reload and apply at once
        // rather than wait out the exponential back-off meant for sick dependencies.
        endpoint.UseMessageRetry(r =>
        {
            r.Immediate(ConcurrencyRetryLimit);
            r.Handle<ConcurrencyException>();
        });
        endpoint.UseMessageScope(context);
        endpoint.UseSagaStoreOutbox(context);
    }
}
