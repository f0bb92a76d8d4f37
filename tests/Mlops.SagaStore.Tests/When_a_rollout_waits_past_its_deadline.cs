using MassTransit.Testing;
using Mlops.SagaStore.Tests.Sagas;
using Mlops.SagaStore.Tests.Stores;

namespace Mlops.SagaStore.Tests;

/// <summary>The rollout state machine under MassTransit's test harness, stored by the durable repository on SQLite.</summary>
public sealed class When_a_rollout_waits_past_its_deadline : IAsyncLifetime, IAsyncDisposable
{
    private StoreDatabase _database = null!;
    private readonly Guid _id = Guid.NewGuid();
    private readonly Guid _flowId = Guid.NewGuid();
    private SagaHost _host = null!;

    private ISagaStateMachineTestHarness<RolloutStateMachine, RolloutState> Saga =>
        _host.Harness.GetSagaStateMachineHarness<RolloutStateMachine, RolloutState>();

    public async Task InitializeAsync()
    {
        _database = new SqliteStoreDatabase();
        _host = await SagaHost.StartAsync(_database.Options());
        await _host.PublishAsync(new StartRollout
        {
            CorrelationId = _id, FlowId = _flowId, ModelName = "cnn_classifier", Timeout = TimeSpan.FromMilliseconds(300),
        });
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Should_create_the_saga_from_the_start_message()
    {
        Assert.True(await Saga.Consumed.Any<StartRollout>(x => x.Context.Message.CorrelationId == _id));
        Assert.True(await Saga.Created.Any(x => x.CorrelationId == _id));
    }

    [Fact]
    public async Task Should_deliver_the_timeout_with_the_saga_correlation_and_flow()
    {
        Assert.True(await _host.Harness.Consumed.Any<RolloutTimedOut>(
            x => x.Context.Message.CorrelationId == _id && x.Context.Message.FlowId == _flowId));
    }

    [Fact]
    public async Task Should_be_expired_once_the_timeout_is_consumed()
    {
        Assert.NotNull(await Saga.Exists(_id, x => x.Expired));
        Assert.True(await Saga.Consumed.Any<RolloutTimedOut>(x => x.Context.Message.CorrelationId == _id));
    }

    [Fact]
    public async Task Should_keep_the_instance_in_the_store_where_another_host_finds_it()
    {
        Assert.NotNull(await Saga.Exists(_id, x => x.Expired));

        await using var other = await SagaHost.StartAsync(_database.Options());

        var record = await other.Catalog.FindAsync(_id);
        Assert.Equal(("Expired", _flowId.ToString()), (record?.State, record?.FlowId));
    }
}
