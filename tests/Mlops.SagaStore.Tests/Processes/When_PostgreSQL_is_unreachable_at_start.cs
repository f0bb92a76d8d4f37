using System.Net;
using Mlops.SagaStore.CrashHost.Orders;
using Mlops.SagaStore.Tests.Stores;
using Mlops.Testing;
using Npgsql;

namespace Mlops.SagaStore.Tests.Processes;

/// <summary>A store that is away at start-up is treated like the broker: the service starts, says so once, waits and recovers.</summary>
public sealed class When_PostgreSQL_is_unreachable_at_start
{
    [Fact]
    public async Task Should_start_not_ready_say_where_it_tried_once_without_the_password_and_become_ready_when_it_answers()
    {
        await using var db = await PostgresStoreDatabase.CreateAsync();
        await using var vhost = await RabbitMqVirtualHost.CreateAsync("saga-store-pg-away");
        var real = new NpgsqlConnectionStringBuilder(db.ConnectionString);
        await using var forward = new PortForward(real.Host!, real.Port);
        var away = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Host = "127.0.0.1", Port = forward.Port, Timeout = 3 };
        var settings = CrashHostProcess.Settings(vhost, db.Settings());
        settings["SagaStore:ConnectionString"] = away.ConnectionString;

        await using var service = ServiceProcess.Launch(CrashHostProcess.Project, settings);

        await service.WaitForOutputAsync("Saga store unreachable");
        var line = Assert.Single(service.Output, l => l.Contains("Saga store unreachable", StringComparison.Ordinal));
        Assert.Contains($"127.0.0.1:{forward.Port}", line, StringComparison.Ordinal);
        Assert.Contains($"database {away.Database}", line, StringComparison.Ordinal);
        Assert.DoesNotContain(service.Output, l => l.Contains("password", StringComparison.OrdinalIgnoreCase));
        await Eventually.HoldsAsync(async () => (await service.Http.GetAsync(new Uri("health/live", UriKind.Relative))).StatusCode == HttpStatusCode.OK,
            "live while the store is away");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await service.Http.GetAsync(new Uri("health/ready", UriKind.Relative))).StatusCode);
        Assert.True(service.IsRunning);

        forward.Open();

        await service.WaitUntilReadyAsync();
        Assert.Single(service.Output, l => l.Contains("Saga store unreachable", StringComparison.Ordinal));
        var order = Guid.NewGuid();
        await CrashHostProcess.PublishAsync(vhost, new OrderPlaced { OrderId = order });
        await Eventually.HoldsAsync(async () => (await CrashHostProcess.FindAsync(service, order, nameof(OrderState)))?.State == "Accepted",
            "a saga stored once the database answers");
    }
}
