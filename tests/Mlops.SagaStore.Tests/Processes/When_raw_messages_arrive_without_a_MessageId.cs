using System.Text.Json;
using Mlops.SagaStore.CrashHost.Parcels;
using Mlops.SagaStore.Tests.Stores;
using Mlops.Testing;

namespace Mlops.SagaStore.Tests.Processes;

/// <summary>
/// Raw JSON without a MessageId (as MinIO publishes its events) on a consumer that is not a saga: the store names each
/// message by its body, so a redelivered copy is a duplicate and what the consumer publishes leaves once.
/// </summary>
public sealed class When_raw_messages_arrive_without_a_MessageId
{
    private const string Recorded = "Mlops.SagaStore.CrashHost.Parcels:ParcelRecorded";

    [Fact]
    public async Task Should_handle_a_repeated_body_once_and_a_different_body_again()
    {
        await using var db = new SqliteStoreDatabase();
        await using var vhost = await RabbitMqVirtualHost.CreateAsync("saga-store-raw");
        await using var wire = await WireTap.BindAsync(vhost.AmqpUrl, Recorded);
        await using var service = await ServiceProcess.StartAsync(CrashHostProcess.Project, CrashHostProcess.Settings(vhost, db.Settings()));
        var (first, second) = ("P-" + Guid.NewGuid(), "P-" + Guid.NewGuid());
        // Ready is not bound: a raw publish before the endpoint's queue is bound to the exchange is dropped, unrouted.
        await Eventually.HoldsAsync(async () => (await vhost.ListAsync("bindings"))
            .Any(b => b.GetProperty("source").GetString() == ParcelScanConsumerDefinition.Exchange), "the scan consumer's queue bound");

        await WireTap.PublishRawAsync(vhost.AmqpUrl, ParcelScanConsumerDefinition.Exchange, $$"""{"Parcel":"{{first}}"}""");
        await Eventually.HoldsAsync(() => wire.To(Recorded).Count == 1, "the first scan recorded");
        await WireTap.PublishRawAsync(vhost.AmqpUrl, ParcelScanConsumerDefinition.Exchange, $$"""{"Parcel":"{{first}}"}""");
        await Eventually.HoldsAsync(async () => (await service.Http.GetStringAsync(new Uri("metrics", UriKind.Relative)))
                .Contains("event=\"ParcelScan\",reason=\"duplicate\",saga=\"ParcelScanConsumer\"} 1", StringComparison.Ordinal),
            "the repeated scan counted as a duplicate on /metrics");
        await WireTap.PublishRawAsync(vhost.AmqpUrl, ParcelScanConsumerDefinition.Exchange, $$"""{"Parcel":"{{second}}"}""");
        await Eventually.HoldsAsync(() => wire.To(Recorded).Count >= 2, "the second scan recorded");

        var recorded = wire.To(Recorded).Select(d => JsonDocument.Parse(d.Body).RootElement.GetProperty("message")).ToList();
        Assert.Equal([first, second], recorded.Select(m => m.GetProperty("parcel").GetString()));
        var ids = recorded.Select(m => m.GetProperty("scanId").GetGuid()).ToList();
        Assert.DoesNotContain(Guid.Empty, ids);
        Assert.NotEqual(ids[0], ids[1]);
    }
}
