using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mlops.SagaStore.Tests.Sagas;

namespace Mlops.SagaStore.Tests;

/// <summary>
/// One service instance for tests: the rollout saga on the durable repository and a consumer downstream of it, both behind
/// the store's outbox and inbox as the service pipeline puts them, the store's hosted services, and a bus (in-memory, or a
/// RabbitMQ vhost when several hosts must share one broker).
/// </summary>
public sealed class SagaHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private SagaHost(ServiceProvider provider)
    {
        _provider = provider;
        Harness = provider.GetRequiredService<ITestHarness>();
    }

    public ITestHarness Harness { get; }

    public ISagaCatalog Catalog => _provider.GetRequiredService<ISagaCatalog>();

    public ISagaStoreOutbox Outbox => _provider.GetRequiredService<ISagaStoreOutbox>();

    public RolloutInterference Interference => _provider.GetRequiredService<RolloutInterference>();

    /// <summary>What the consumer downstream of the saga received.</summary>
    public RolloutLedger Ledger => _provider.GetRequiredService<RolloutLedger>();

    public IServiceProvider Services => _provider;

    public static async Task<SagaHost> StartAsync(SagaStoreOptions options, Uri? rabbitMq = null, bool retryConflicts = true, bool outbox = true)
    {
        var host = Build(options, rabbitMq, retryConflicts, outbox);
        try
        {
            await host.Harness.Start();
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    /// <summary>A host whose bus and hosted services are not started: what it commits stays in the store for others to deliver.</summary>
    public static SagaHost Build(SagaStoreOptions options, Uri? rabbitMq = null, bool retryConflicts = true, bool outbox = true)
    {
        var services = new ServiceCollection();
        // MassTransit keeps the first logger factory it sees in a static; a factory owned by a disposed host would break the next host.
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddLogging();
        services.AddSagaStore(options);
        services.AddSingleton<RolloutInterference>();
        services.AddSingleton<RolloutLedger>();
        services.AddMassTransitTestHarness(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            // As the service pipeline does: retries around the outbox, so each retry is a new attempt at the whole transaction.
            x.AddConfigureEndpointsCallback((context, _, endpoint) =>
            {
                // Only conflicts are retried: any other failure must reach the history and the fault, not be hidden.
                if (retryConflicts)
                    endpoint.UseMessageRetry(r => r.Immediate(200).Handle<ConcurrencyException>());
                if (outbox)
                    endpoint.UseSagaStoreOutbox(context);
            });
            x.AddSagaStateMachine<RolloutStateMachine, RolloutState>()
                .Endpoint(e => e.ConcurrentMessageLimit = 8)
                .DurableRepository();
            x.AddConsumer<RolloutAdvancedConsumer>();
            if (rabbitMq is not null)
            {
                x.UsingRabbitMq((context, bus) =>
                {
                    bus.Host(rabbitMq);
                    bus.ConfigureEndpoints(context);
                });
            }
        });
        return new SagaHost(services.BuildServiceProvider(validateScopes: true));
    }

    public Task PublishAsync<T>(T message, Guid? messageId = null)
        where T : class =>
        Harness.Bus.Publish(message, context =>
        {
            if (messageId is { } id)
                context.MessageId = id;
        });

    /// <summary>Waits until the instance exists in the store in <paramref name="state"/>.</summary>
    public async Task<SagaInstanceRecord> InStateAsync(Guid correlationId, string state, TimeSpan? timeout = null)
    {
        SagaInstanceRecord? found = null;
        await Mlops.Testing.Eventually.HoldsAsync(async () =>
            (found = await Catalog.FindAsync(correlationId)) is { } r && r.State == state,
            $"rollout {correlationId} in state {state} (last seen: {found?.State ?? "missing"})", timeout);
        return found!;
    }

    /// <summary>Waits until the harness saw <paramref name="count"/> messages of type <typeparamref name="T"/> consumed.</summary>
    public Task ConsumedAsync<T>(Func<T, bool> which, int count, string what)
        where T : class =>
        Mlops.Testing.Eventually.HoldsAsync(() => Harness.Consumed.Select<T>().Count(c => which(c.Context.Message)) >= count, what);

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await _provider.DisposeAsync();
    }
}
