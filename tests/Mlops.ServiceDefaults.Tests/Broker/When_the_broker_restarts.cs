extern alias crashhost;

using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using crashhost::Mlops.SagaStore.CrashHost.Orders;
using MassTransit;
using Mlops.SagaStore;
using Mlops.Testing;
using Xunit.Abstractions;

namespace Mlops.ServiceDefaults.Tests.Broker;

/// <summary>
/// A service built as the product's services are (the saga store's crash host: endpoint pipeline, outbox, saga store) as a
/// real process on a RabbitMQ node of the test's own, which is stopped cleanly while orders flow and started again: the
/// process stays up and live, readiness answers 503 while the broker is away, and once it is back every order placed before,
/// around and after the outage is processed once, nothing left in an error queue.
/// </summary>
[Collection(BrokerRestartCollection.Name)]
public sealed class When_the_broker_restarts(ITestOutputHelper output)
{
    private const string Project = "Mlops.SagaStore.CrashHost";
    private const int OrdersBefore = 10;
    private const int OrdersAround = 30;
    private const int OrdersAfter = 10;

    [Fact]
    public async Task Should_report_the_outage_and_process_every_order_after_it_without_a_restart()
    {
        await using var node = await RabbitMqNode.StartAsync();
        await using var store = SqliteStoreFile.Create("broker-restart");
        await using var service = await ServiceProcess.StartAsync(Project, Settings(node, store));
        using var queues = new NodeQueues(node);

        var before = NewOrders(OrdersBefore);
        await PublishAsync(node, before);
        await Eventually.HoldsAsync(async () => await CountedAsync(service, before) == before.Count, "the first orders counted downstream", TimeSpan.FromSeconds(60));

        // Placed in one burst and the broker stopped at once: some are still queued, some consumed with their events in
        // the outbox, some being handled when the connection goes.
        var around = NewOrders(OrdersAround);
        await PublishAsync(node, around);
        await node.StopAsync();

        await Eventually.HoldsAsync(async () => await Probes.StatusAsync(service, "health/ready") == HttpStatusCode.ServiceUnavailable,
            "readiness answers 503 while the broker is down");
        Assert.Equal(HttpStatusCode.OK, await Probes.StatusAsync(service, "health/live"));
        await service.WaitForOutputAsync("RabbitMQ unreachable");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await Probes.StatusAsync(service, "health/ready"));
        Assert.True(service.IsRunning, "the service process outlives the outage");

        await node.StartAgainAsync();
        var back = await Probes.TimeUntilReadyAsync(service, TimeSpan.FromSeconds(60));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"broker back -> {Project} ready: {back.TotalSeconds:0.0} s"));

        var after = NewOrders(OrdersAfter);
        await PublishAsync(node, after);
        var all = before.Concat(around).Concat(after).ToList();
        await Eventually.HoldsAsync(async () => await CountedAsync(service, all) == all.Count, "every order counted downstream", TimeSpan.FromSeconds(90));
        await Eventually.HoldsAsync(async () => await PendingOutboxAsync(service) == 0, "the outbox delivered");

        foreach (var order in all)
        {
            Assert.Equal((1, 1), await LedgerAsync(service, order));
            var placed = await FindAsync(service, order, nameof(OrderState));
            Assert.Equal("Accepted", placed?.State);
        }
        Assert.Empty(await queues.FaultedAsync());
        Assert.True(service.IsRunning, "the service was never restarted");
        Assert.DoesNotContain(service.Output, line => line.Contains("restarted ---", StringComparison.Ordinal));
        // The connection reporter looks every 2 s, so its line may follow readiness by as much.
        await Eventually.HoldsAsync(() => service.Output.SkipWhile(line => !line.Contains("RabbitMQ unreachable", StringComparison.Ordinal))
            .Any(line => line.Contains("Connected to RabbitMQ", StringComparison.Ordinal)), "the service logs that it reconnected");
    }

    private static Dictionary<string, string?> Settings(RabbitMqNode node, SqliteStoreFile store) => new(store.Settings())
    {
        ["RABBITMQ_URL"] = node.AmqpUrl.ToString(),
        ["SagaStore:OutboxLease"] = "00:00:01",
        ["SagaStore:OutboxDispatchInterval"] = "00:00:00.200",
        ["SagaStore:SweepInterval"] = "00:00:00.200",
        // Readiness is polled often; its request lines would bury the broker's.
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
    };

    private static List<Guid> NewOrders(int count) => Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToList();

    /// <summary>Publishes the orders as another service would: persistent, confirmed by the broker before this returns.</summary>
    private static async Task PublishAsync(RabbitMqNode node, IEnumerable<Guid> orders)
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(node.AmqpUrl));
        await bus.StartAsync();
        try
        {
            await Task.WhenAll(orders.Select(order => bus.Publish(new OrderPlaced { OrderId = order })));
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    private static async Task<int> CountedAsync(ServiceProcess service, IEnumerable<Guid> orders)
    {
        var counted = 0;
        foreach (var order in orders)
        {
            if (await LedgerAsync(service, order) is (> 0, > 0))
                counted++;
        }
        return counted;
    }

    private static async Task<(int Accepted, int Packed)> LedgerAsync(ServiceProcess service, Guid order)
    {
        if (await FindAsync(service, order, nameof(OrderLedgerState)) is not { } ledger)
            return (0, 0);
        var data = JsonDocument.Parse(ledger.Data).RootElement;
        return (data.GetProperty("Accepted").GetInt32(), data.GetProperty("Packed").GetInt32());
    }

    private static async Task<SagaInstanceRecord?> FindAsync(ServiceProcess service, Guid id, string sagaType)
    {
        using var response = await service.Http.GetAsync(new Uri($"sagas/{id}?type={sagaType}", UriKind.Relative));
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<SagaInstanceRecord>() : null;
    }

    private static async Task<int> PendingOutboxAsync(ServiceProcess service) =>
        (await service.Http.GetFromJsonAsync<OutboxBacklog>(new Uri("outbox", UriKind.Relative)))!.Pending;
}
