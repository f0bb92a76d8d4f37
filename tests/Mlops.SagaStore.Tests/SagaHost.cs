using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mlops.SagaStore.Tests.Sagas;

namespace Mlops.SagaStore.Tests;

/// <summary>
/// One service instance for tests: the rollout saga on the durable repository, the store's hosted services, and a bus
/// (in-memory, or a RabbitMQ vhost when several hosts must share one broker).
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

    public RolloutInterference Interference => _provider.GetRequiredService<RolloutInterference>();

    public IServiceProvider Services => _provider;

    public static async Task<SagaHost> StartAsync(SagaStoreOptions options, Uri? rabbitMq = null, bool retryConflicts = true)
    {
        var services = new ServiceCollection();
        // MassTransit keeps the first logger factory it sees in a static; a factory owned by a disposed host would break the next host.
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddLogging();
        services.AddSagaStore(options);
        services.AddSingleton<RolloutInterference>();
        services.AddMassTransitTestHarness(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            x.AddSagaStateMachine<RolloutStateMachine, RolloutState>((_, saga) =>
                {
                    // Only conflicts are retried: any other failure must reach the history and the fault, not be hidden.
                    if (retryConflicts)
                        saga.UseMessageRetry(r => r.Immediate(200).Handle<ConcurrencyException>());
                })
                .Endpoint(e => e.ConcurrentMessageLimit = 8)
                .DurableRepository();
            if (rabbitMq is not null)
            {
                x.UsingRabbitMq((context, bus) =>
                {
                    bus.Host(rabbitMq);
                    bus.ConfigureEndpoints(context);
                });
            }
        });
        var provider = services.BuildServiceProvider(validateScopes: true);
        var host = new SagaHost(provider);
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

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await _provider.DisposeAsync();
    }
}
