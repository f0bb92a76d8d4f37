using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Mlops.SagaStore.Tests.Sagas;

namespace Mlops.SagaStore.Tests;

/// <summary>Configuration keys of the store and the registration-time checks that fail fast with clear messages.</summary>
public sealed class SagaStoreConfigurationTests
{
    [Fact]
    public void Defaults_to_Sqlite_in_the_data_directory_keeping_finished_sagas_for_30_days()
    {
        var options = SagaStoreOptions.FromConfiguration(Section([]));

        Assert.Equal(SagaStoreProvider.Sqlite, options.Provider);
        Assert.Equal($"Data Source={Path.Combine("data", "sagas.db")}", options.SqliteConnectionString);
        Assert.Equal(TimeSpan.FromDays(30), options.KeepFinishedFor);
        Assert.Equal(TimeSpan.FromDays(7), options.InboxKeepFor);
        Assert.Equal(TimeSpan.FromSeconds(10), options.OutboxLease);
        Assert.Equal(TimeSpan.FromSeconds(1), options.SweepInterval);
        Assert.Null(options.CrashAt);
    }

    [Fact]
    public void An_empty_KeepFinishedFor_keeps_finished_sagas_for_good()
    {
        var options = SagaStoreOptions.FromConfiguration(Section(new() { ["SagaStore:KeepFinishedFor"] = "" }));

        Assert.Null(options.KeepFinishedFor);
    }

    [Fact]
    public void Reads_every_key_of_the_SagaStore_section()
    {
        var options = SagaStoreOptions.FromConfiguration(Section(new()
        {
            ["SagaStore:Provider"] = "postgres",
            ["SagaStore:ConnectionString"] = "Host=db;Database=sagas",
            ["SagaStore:KeepFinishedFor"] = "7.00:00:00",
            ["SagaStore:SweepInterval"] = "00:00:02",
            ["SagaStore:SweepBatchSize"] = "25",
            ["SagaStore:PurgeInterval"] = "00:30:00",
            ["SagaStore:InboxKeepFor"] = "2.00:00:00",
            ["SagaStore:OutboxKeepDeliveredFor"] = "06:00:00",
            ["SagaStore:OutboxLease"] = "00:00:03",
            ["SagaStore:OutboxDispatchInterval"] = "00:00:00.500",
            ["SagaStore:OutboxBatchSize"] = "10",
            ["SagaStore:Testing:CrashAt"] = "during-delivery",
        }));

        Assert.Equal(SagaStoreProvider.Postgres, options.Provider);
        Assert.Equal("Host=db;Database=sagas", options.ConnectionString);
        Assert.Equal(TimeSpan.FromDays(7), options.KeepFinishedFor);
        Assert.Equal(TimeSpan.FromSeconds(2), options.SweepInterval);
        Assert.Equal(25, options.SweepBatchSize);
        Assert.Equal(TimeSpan.FromMinutes(30), options.PurgeInterval);
        Assert.Equal(TimeSpan.FromDays(2), options.InboxKeepFor);
        Assert.Equal(TimeSpan.FromHours(6), options.OutboxKeepDeliveredFor);
        Assert.Equal(TimeSpan.FromSeconds(3), options.OutboxLease);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.OutboxDispatchInterval);
        Assert.Equal(10, options.OutboxBatchSize);
        Assert.Equal(SagaStoreCrashPoint.DuringDelivery, options.CrashAt);
    }

    [Fact]
    public void Rejects_malformed_values_naming_every_key_at_fault()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddSagaStore(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["SagaStore:Provider"] = "Mongo",
                ["SagaStore:SweepInterval"] = "soon",
                ["SagaStore:SweepBatchSize"] = "0",
                ["SagaStore:OutboxLease"] = "-00:00:01",
                ["SagaStore:Testing:CrashAt"] = "sometimes",
            }).Build()));

        Assert.Contains("SagaStore:Provider is 'Mongo'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("SagaStore:SweepInterval is 'soon'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("SagaStore:SweepBatchSize must be between 1 and 10000", failure.Message, StringComparison.Ordinal);
        Assert.Contains("SagaStore:OutboxLease must be positive", failure.Message, StringComparison.Ordinal);
        Assert.Contains("SagaStore:Testing:CrashAt is 'sometimes'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Postgres_without_a_connection_string_is_refused()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => SagaStoreOptions.FromConfiguration(Section(new() { ["SagaStore:Provider"] = "Postgres" })));

        Assert.Contains("SagaStore:ConnectionString is required when Provider is Postgres", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_index_on_a_type_the_store_cannot_keep_fails_at_registration()
    {
        var services = new ServiceCollection();

        var failure = Assert.Throws<InvalidOperationException>(() =>
            services.AddMassTransit(x => x.AddSagaStateMachine<StampedStateMachine, StampedState>().DurableRepository()));

        Assert.Contains("StampedState.StampedAt", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deadline_event_without_a_CorrelationId_fails_when_the_state_machine_is_built()
    {
        var failure = Assert.Throws<ArgumentException>(() => new StampedStateMachine());

        Assert.Contains("RolloutComplete cannot be a deadline event", failure.Message, StringComparison.Ordinal);
        Assert.Contains("CorrelationId", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deadline_event_with_a_required_member_the_sweeper_cannot_fill_fails_when_the_state_machine_is_built()
    {
        var failure = Assert.Throws<ArgumentException>(() => new PoisonedStateMachine());

        Assert.Contains("PoisonTimeout cannot be a deadline event", failure.Message, StringComparison.Ordinal);
        Assert.Contains("required member Reason", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deadline_event_with_the_contracts_required_FlowId_and_OccurredAt_is_accepted()
    {
        var machine = new RolloutStateMachine(new RolloutInterference());

        Assert.Contains(machine.Events, e => e.Name == nameof(RolloutStateMachine.TimedOut));
    }

    [Fact]
    public async Task Adding_the_store_twice_registers_one_store_one_sweeper_and_one_health_check()
    {
        var services = new ServiceCollection().AddLogging();
        var options = new SagaStoreOptions { DataDirectory = Path.Combine(Path.GetTempPath(), "saga-store-twice") };

        services.AddSagaStore(options).AddSagaStore(options);

        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().Select(h => h.GetType().Name).ToList();
        Assert.Equal(hosted.Distinct().Order(), hosted.Order());
        Assert.Contains("DeadlineSweeper", hosted);
        var checks = provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;
        Assert.Single(checks, c => c.Name == "saga-store");
    }

    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("SagaStore");
}
