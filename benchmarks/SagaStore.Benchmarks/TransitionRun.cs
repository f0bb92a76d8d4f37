using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mlops.SagaStore.Benchmarks;

/// <summary>
/// One measurement: a service with the counter saga, fed ticks for a fixed number of sagas. With a provider the endpoint has
/// the store's outbox and inbox on, as the service pipeline sets them (conflict retries around the outbox, the inbox row,
/// saga row, history row and any outbox row in one transaction). With no provider the saga lives in MassTransit's
/// in-memory repository without an outbox: the baseline that shows what durability costs on top.
/// </summary>
internal static class TransitionRun
{
    public const string Baseline = "MassTransit in-memory (baseline)";

    public static async Task<Measurement> MeasureAsync(SagaStoreProvider? provider, Uri? rabbitMq, int sagas, int ticksPerSaga, string postgres,
        bool publish, bool outbox = true)
    {
        await using var store = provider is { } durable ? await BenchmarkStore.CreateAsync(durable, postgres) : null;
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddLogging();
        if (store is not null)
            services.AddSagaStore(store.Options);
        // Ticks published before the saga queue is bound would be dropped by the broker.
        services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            var saga = x.AddSagaStateMachine<CounterStateMachine, CounterState>()
                .Endpoint(e =>
                {
                    e.Name = "saga-store-benchmark-" + Guid.NewGuid().ToString("N")[..8];
                    e.Temporary = true;
                    e.ConcurrentMessageLimit = sagas;
                });
            if (store is null)
                saga.InMemoryRepository();
            else
                saga.DurableRepository();
            x.AddConfigureEndpointsCallback((context, _, endpoint) =>
            {
                endpoint.UseMessageRetry(r => r.Immediate(20).Handle<ConcurrencyException>());
                // One message per saga at a time and up to `sagas` sagas at once, as a saga endpoint is run in production.
                endpoint.UsePartitioner<Tick>(endpoint.CreatePartitioner(sagas), c => c.Message.CorrelationId);
                if (store is not null && outbox)
                    endpoint.UseSagaStoreOutbox(context);
            });
            if (rabbitMq is null)
                x.UsingInMemory((context, bus) => bus.ConfigureEndpoints(context));
            else
            {
                x.UsingRabbitMq((context, bus) =>
                {
                    bus.Host(rabbitMq);
                    bus.ConfigureEndpoints(context);
                });
            }
        });

        await using var serviceProvider = services.BuildServiceProvider();
        var hosted = serviceProvider.GetServices<IHostedService>().ToArray();
        foreach (var service in hosted)
            await service.StartAsync(CancellationToken.None);
        try
        {
            var bus = serviceProvider.GetRequiredService<IBus>();
            var counter = new TickCounter();
            using var observer = bus.ConnectConsumeMessageObserver(counter);
            var repository = serviceProvider.GetRequiredService<ILoadSagaRepository<CounterState>>();
            var ids = Enumerable.Range(0, sagas).Select(_ => Guid.NewGuid()).ToArray();

            // Warm-up creates the sagas and lets JIT, pools and prepared statements settle before the clock starts.
            await FeedAsync(bus, ids, 50, publish);
            await WaitForTicksAsync(repository, ids, 50);

            var cpu = CpuSnapshot.Take();
            var stopwatch = Stopwatch.StartNew();
            var consumed = counter.WhenConsumed((long)sagas * (50 + ticksPerSaga));
            await FeedAsync(bus, ids, ticksPerSaga, publish);
            await consumed.WaitAsync(TimeSpan.FromMinutes(5));
            stopwatch.Stop();
            var used = CpuSnapshot.Take().Since(cpu);
            // Every tick was handled; the repository must show each of them as a transition.
            await WaitForTicksAsync(repository, ids, 50 + ticksPerSaga);

            return new Measurement(provider?.ToString() ?? Baseline, rabbitMq is null ? "in-memory" : "RabbitMQ", publish, sagas,
                sagas * ticksPerSaga, stopwatch.Elapsed, used);
        }
        finally
        {
            foreach (var service in hosted.Reverse())
                await service.StopAsync(CancellationToken.None);
        }
    }

    private static async Task FeedAsync(IBus bus, Guid[] ids, int ticksPerSaga, bool publish)
    {
        var flow = Guid.NewGuid();
        for (var round = 0; round < ticksPerSaga; round++)
            await Task.WhenAll(ids.Select(id => bus.Publish(new Tick { CorrelationId = id, FlowId = flow, Publish = publish })));
    }

    private static async Task WaitForTicksAsync(ILoadSagaRepository<CounterState> repository, Guid[] ids, int ticks)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (true)
        {
            var counts = await Task.WhenAll(ids.Select(async id => (await repository.Load(id))?.Ticks ?? 0));
            if (counts.All(c => c >= ticks))
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Only {counts.Sum()} of {ids.Length * ticks} transitions done after 5 minutes.");
            await timer.WaitForNextTickAsync();
        }
    }
}
