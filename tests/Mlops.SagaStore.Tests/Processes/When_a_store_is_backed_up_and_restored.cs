using System.Diagnostics;
using Mlops.SagaStore.CrashHost.Orders;
using Mlops.SagaStore.Tests.Stores;
using Mlops.Testing;
using Npgsql;

namespace Mlops.SagaStore.Tests.Processes;

/// <summary>
/// The backup and restore of docs/runbook.md, word for word: <c>sqlite3 … ".backup …"</c> of a store in use, and
/// <c>pg_dump --schema</c> / <c>pg_restore --clean --if-exists</c>; a service started on the restored store knows what
/// was committed before the backup, and nothing after it.
/// </summary>
public sealed class When_a_store_is_backed_up_and_restored
{
    [Fact]
    public async Task Should_restore_an_online_SQLite_backup_with_what_was_committed_before_it()
    {
        await using var live = new SqliteStoreDatabase();
        await using var restored = new SqliteStoreDatabase();
        await using var vhost = await RabbitMqVirtualHost.CreateAsync("saga-store-sqlite-backup");
        await using var service = await ServiceProcess.StartAsync(CrashHostProcess.Project, CrashHostProcess.Settings(vhost, live.Settings()));
        var before = await AcceptedOrdersAsync(vhost, service, 3);

        var backup = Path.Combine(Path.GetTempPath(), "saga-store-tests", $"backup-{Guid.NewGuid():N}.db");
        await RunAsync("sqlite3", [live.FilePath, $".backup '{backup}'"]);
        var after = await AcceptedOrdersAsync(vhost, service, 1);
        // Stopped, not killed: a killed host may not have acknowledged the last order yet, and its redelivery would land in the restored store.
        await service.StopAsync();
        Directory.CreateDirectory(Path.GetDirectoryName(restored.FilePath)!);
        File.Copy(backup, restored.FilePath);

        await using var again = await ServiceProcess.StartAsync(CrashHostProcess.Project, CrashHostProcess.Settings(vhost, restored.Settings()));
        foreach (var order in before)
            Assert.Equal("Accepted", (await CrashHostProcess.FindAsync(again, order, nameof(OrderState)))?.State);
        Assert.Null(await CrashHostProcess.FindAsync(again, after[0], nameof(OrderState)));
    }

    [Fact]
    public async Task Should_restore_a_pg_dump_of_the_stores_schema_after_the_schema_was_lost()
    {
        await using var database = await PostgresStoreDatabase.CreateAsync();
        await using var vhost = await RabbitMqVirtualHost.CreateAsync("saga-store-postgres-backup");
        var settings = CrashHostProcess.Settings(vhost, database.Settings());
        await using var service = await ServiceProcess.StartAsync(CrashHostProcess.Project, settings);
        var before = await AcceptedOrdersAsync(vhost, service, 3);

        var dump = Path.Combine(Path.GetTempPath(), "saga-store-tests", $"backup-{Guid.NewGuid():N}.dump");
        Directory.CreateDirectory(Path.GetDirectoryName(dump)!);
        var (conninfo, password) = Libpq();
        await RunAsync("pg_dump", [conninfo, $"--schema={database.Schema}", "--format=custom", $"--file={dump}"], password);
        var after = await AcceptedOrdersAsync(vhost, service, 1);
        // Stopped, not killed: a killed host may not have acknowledged the last order yet, and its redelivery would land in the restored store.
        await service.StopAsync();
        NpgsqlConnection.ClearAllPools();
        await database.DropAsync();

        await RunAsync("pg_restore", [$"--dbname={conninfo}", "--clean", "--if-exists", dump], password);
        await using var again = await ServiceProcess.StartAsync(CrashHostProcess.Project, settings);
        foreach (var order in before)
            Assert.Equal("Accepted", (await CrashHostProcess.FindAsync(again, order, nameof(OrderState)))?.State);
        Assert.Null(await CrashHostProcess.FindAsync(again, after[0], nameof(OrderState)));
    }

    private static async Task<Guid[]> AcceptedOrdersAsync(RabbitMqVirtualHost vhost, ServiceProcess service, int count)
    {
        var orders = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var order in orders)
            await CrashHostProcess.PublishAsync(vhost, new OrderPlaced { OrderId = order });
        foreach (var order in orders)
        {
            await Eventually.HoldsAsync(async () => (await CrashHostProcess.FindAsync(service, order, nameof(OrderState)))?.State == "Accepted",
                $"order {order} accepted");
        }
        return orders;
    }

    // The test database as libpq's key=value connection string, as the runbook writes it; the password goes by PGPASSWORD.
    private static (string Conninfo, string? Password) Libpq()
    {
        var npgsql = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresConnectionString);
        return ($"host={npgsql.Host} port={npgsql.Port} dbname={npgsql.Database} user={npgsql.Username}", npgsql.Password);
    }

    private static async Task RunAsync(string tool, string[] arguments, string? password = null)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        if (password is not null)
            start.Environment["PGPASSWORD"] = password;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, $"{tool} exited {process.ExitCode}: {await error}");
    }
}
