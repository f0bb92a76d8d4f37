using Mlops.SagaStore.CrashHost.Orders;
using Mlops.SagaStore.Tests.Stores;
using Mlops.Testing;

namespace Mlops.SagaStore.Tests.Processes;

/// <summary>SQLite serves one replica: a second service process on the same store file is refused and the first carries on.</summary>
public sealed class When_a_second_process_opens_the_same_SQLite_store
{
    [Fact]
    public async Task Should_refuse_the_second_at_start_up_pointing_to_PostgreSQL_and_keep_the_first_working()
    {
        await using var db = new SqliteStoreDatabase();
        await using var vhost = await RabbitMqVirtualHost.CreateAsync("saga-store-sqlite-lock");
        var settings = CrashHostProcess.Settings(vhost, db.Settings());
        await using var first = await ServiceProcess.StartAsync(CrashHostProcess.Project, settings);

        await using var second = ServiceProcess.Launch(CrashHostProcess.Project, settings);

        Assert.NotEqual(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(second.Output, line => line.Contains($"{db.FilePath} is in use by another process", StringComparison.Ordinal)
            && line.Contains("use PostgreSQL", StringComparison.Ordinal));
        Assert.True(first.IsRunning);
        var order = Guid.NewGuid();
        await CrashHostProcess.PublishAsync(vhost, new OrderPlaced { OrderId = order });
        await Eventually.HoldsAsync(async () => (await CrashHostProcess.FindAsync(first, order, nameof(OrderState)))?.State == "Accepted",
            "the first process still handles messages");
        Assert.Equal(200, (int)(await first.Http.GetAsync(new Uri("health/ready", UriKind.Relative))).StatusCode);
    }
}
