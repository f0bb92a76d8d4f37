using Mlops.SagaStore.Tests.Sagas;
using Mlops.SagaStore.Tests.Stores;
using Mlops.Testing;

namespace Mlops.SagaStore.Tests;

/// <summary>
/// Two replicas on one PostgreSQL database and one broker, dispatching what a third replica committed and never delivered
/// (it stopped before its dispatcher ran): SKIP LOCKED claims give every outbox transaction to one dispatcher only.
/// </summary>
public sealed class When_two_replicas_share_one_PostgreSQL_database
{
    private const int Transactions = 40;

    [Fact]
    public async Task Should_deliver_every_outbox_transaction_once()
    {
        await using var db = await PostgresStoreDatabase.CreateAsync();
        await using var vhost = await RabbitMqVirtualHost.CreateAsync("saga-store-replicas");
        var options = db.Options();
        options.OutboxLease = TimeSpan.FromSeconds(3);
        var run = Guid.NewGuid();

        // Committed by a replica whose bus and dispatcher never start: only the other two can deliver these.
        await using (var gone = SagaHost.Build(options, vhost.AmqpUrl))
        {
            for (var i = 0; i < Transactions; i++)
                await gone.Outbox.CommitAsync(tx => tx.Publisher.Publish(new RolloutAdvanced { CorrelationId = run, Progress = i }));
        }
        // Without the inbox downstream, the ledgers see every copy that crossed the wire.
        await using var first = await SagaHost.StartAsync(options, vhost.AmqpUrl, outbox: false);
        await using var second = await SagaHost.StartAsync(options, vhost.AmqpUrl, outbox: false);

        await Eventually.HoldsAsync(async () => (await first.Catalog.OutboxBacklogAsync()).Pending == 0
            && first.Ledger.For(run).Count + second.Ledger.For(run).Count >= Transactions, "every transaction delivered and marked", TimeSpan.FromSeconds(60));

        var delivered = first.Ledger.For(run).Concat(second.Ledger.For(run)).Select(e => e.Message.Progress).Order().ToList();
        Assert.Equal(Enumerable.Range(0, Transactions), delivered);
    }
}
