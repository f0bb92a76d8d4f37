using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mlops.SagaStore.Tests.Sagas;

namespace Mlops.SagaStore.Tests;

/// <summary>Configuration keys of the store and the registration-time checks that fail fast with clear messages.</summary>
public sealed class SagaStoreConfigurationTests
{
    [Fact]
    public void Defaults_to_Sqlite_in_the_data_directory_keeping_finished_sagas()
    {
        var options = SagaStoreOptions.FromConfiguration(Section([]));

        Assert.Equal(SagaStoreProvider.Sqlite, options.Provider);
        Assert.Equal($"Data Source={Path.Combine("data", "sagas.db")}", options.SqliteConnectionString);
        Assert.Null(options.KeepFinishedFor);
        Assert.Equal(TimeSpan.FromSeconds(1), options.SweepInterval);
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
        }));

        Assert.Equal(SagaStoreProvider.Postgres, options.Provider);
        Assert.Equal("Host=db;Database=sagas", options.ConnectionString);
        Assert.Equal(TimeSpan.FromDays(7), options.KeepFinishedFor);
        Assert.Equal(TimeSpan.FromSeconds(2), options.SweepInterval);
        Assert.Equal(25, options.SweepBatchSize);
        Assert.Equal(TimeSpan.FromMinutes(30), options.PurgeInterval);
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
            }).Build()));

        Assert.Contains("SagaStore:Provider is 'Mongo'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("SagaStore:SweepInterval is 'soon'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("SagaStore:SweepBatchSize must be between 1 and 10000", failure.Message, StringComparison.Ordinal);
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
    }

    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("SagaStore");
}
