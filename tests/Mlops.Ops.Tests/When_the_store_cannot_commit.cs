using System.Net;
using System.Net.Http.Json;
using MassTransit;
using Mlops.Testing;
using Npgsql;

namespace Mlops.Ops.Tests;

/// <summary>A command the saga store could not commit is answered 503 and is never sent: 202 means committed.</summary>
public sealed class When_the_store_cannot_commit
{
    [Fact]
    public async Task Should_answer_503_and_send_nothing()
    {
        await using var schema = await PostgresSchema.CreateAsync("ops");
        var target = new NpgsqlConnectionStringBuilder(schema.ConnectionString);
        await using var relay = new TcpRelay(target.Host!, target.Port);
        // Through the relay, with no pooled connection to outlive a cut and a short timeout to notice it.
        var relayed = new NpgsqlConnectionStringBuilder(schema.ConnectionString)
        {
            Host = "127.0.0.1", Port = relay.Port, Pooling = false, Timeout = 3, CommandTimeout = 5,
        };
        await using var host = await OpsHost.StartAsync(new Dictionary<string, string?>
        {
            ["SagaStore:Provider"] = "Postgres",
            ["SagaStore:ConnectionString"] = relayed.ConnectionString,
        });

        var lost = NewId.NextGuid();
        using var client = host.Client(OpsHost.CiBotToken);
        relay.Cut();
        using (var response = await client.PostAsJsonAsync("ops/pools/lab-1/reservations", new { reservationId = lost, hours = 2 }))
        {
            var problem = await Problem.ReadAsync(response, 503);
            Assert.Equal("ReserveGpu was not committed, so nothing was sent; try again when the service is ready.", problem.GetProperty("detail").GetString());
        }

        relay.Restore();
        var later = NewId.NextGuid();
        await Eventually.HoldsAsync(async () =>
        {
            using var response = await client.PostAsJsonAsync("ops/pools/lab-1/reservations", new { reservationId = later, hours = 2 });
            return response.StatusCode == HttpStatusCode.Accepted;
        }, "the store back");
        await host.InStateAsync(later, "Failed");
        Assert.Null(await host.Catalog.FindAsync(lost));
        const string Count = "SELECT count(*) FROM saga_outbox WHERE messages::text LIKE '%{0}%'";
        Assert.Equal(1L, await schema.ScalarAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, Count, later)));
        Assert.Equal(0L, await schema.ScalarAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, Count, lost)));
    }
}
