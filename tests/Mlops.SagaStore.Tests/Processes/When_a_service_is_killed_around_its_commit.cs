using Mlops.SagaStore.CrashHost.Orders;
using Mlops.SagaStore.Tests.Stores;
using Mlops.Testing;

namespace Mlops.SagaStore.Tests.Processes;

/// <summary>
/// A transition that publishes two events, in a service process that is SIGKILLed right after the commit or right after
/// the first event was confirmed: after a restart every committed event is delivered and counted once downstream.
/// </summary>
public sealed class When_a_service_is_killed_around_its_commit
{
    private const string Accepted = "Mlops.SagaStore.CrashHost.Orders:OrderAccepted";
    private const string Packed = "Mlops.SagaStore.CrashHost.Orders:OrderPacked";

    public static TheoryData<string, string> Cases => new()
    {
        { "Sqlite", "after-commit" },
        { "Sqlite", "during-delivery" },
        { "Postgres", "after-commit" },
        { "Postgres", "during-delivery" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Should_deliver_every_committed_event_after_the_restart_and_count_each_once(string provider, string crashAt)
    {
        await using StoreDatabase db = provider == "Sqlite" ? new SqliteStoreDatabase() : await PostgresStoreDatabase.CreateAsync();
        await using var vhost = await RabbitMqVirtualHost.CreateAsync("saga-store-crash");
        await using var wire = await WireTap.BindAsync(vhost.AmqpUrl, Accepted, Packed);
        await using var service = await ServiceProcess.StartAsync(CrashHostProcess.Project, CrashHostProcess.Settings(vhost, db.Settings(), crashAt));
        var order = Guid.NewGuid();

        await CrashHostProcess.PublishAsync(vhost, new OrderPlaced { OrderId = order });

        Assert.NotEqual(0, await service.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(service.Output, line => line.Contains("SagaStore:Testing:CrashAt", StringComparison.Ordinal));
        if (crashAt == "after-commit")
            Assert.Empty(wire.Deliveries);

        await service.RestartAsync();
        var ledger = await Eventually.ReturnsAsync(async () =>
            await CrashHostProcess.FindAsync(service, order, nameof(OrderLedgerState)) is { } r
                && CrashHostProcess.Read(r, "Accepted") + CrashHostProcess.Read(r, "Packed") >= 2 ? r : null,
            "both events counted downstream");
        await Eventually.HoldsAsync(async () => await CrashHostProcess.PendingOutboxAsync(service) == 0, "the outbox delivered");

        Assert.Equal((1, 1), (CrashHostProcess.Read(ledger, "Accepted"), CrashHostProcess.Read(ledger, "Packed")));
        var placed = await CrashHostProcess.FindAsync(service, order, nameof(OrderState));
        Assert.Equal(("Accepted", 1), (placed!.State, placed.Version));

        // On the wire: at least once (the first copy of OrderAccepted went out before a during-delivery kill, and a send
        // that times out on a slow machine is sent again), always with the id it was committed with.
        var accepted = wire.To(Accepted);
        var packed = wire.To(Packed);
        Assert.Single(accepted.Select(d => d.MessageId).Distinct());
        Assert.Single(packed.Select(d => d.MessageId).Distinct());
        if (crashAt == "during-delivery")
            Assert.True(accepted.Count >= 2, "the confirmed first event is sent again after the restart");
        Assert.All(accepted.Concat(packed), d => Assert.Contains(order.ToString(), d.Body, StringComparison.Ordinal));
    }
}
