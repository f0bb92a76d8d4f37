using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Mlops.ModelPromoter.Sagas;
using Mlops.Testing;

namespace Mlops.ModelPromoter.Tests.Triggers;

/// <summary>
/// Two of the product's own alias writes land within one reconciliation interval (webhooks off, or one lost), so the
/// registry only ever shows the second: a person who then moves the alias back to the first version is served, not taken
/// for the product's own write; a webhook MLflow delivers late is told by its time. The state machine alone, on MassTransit's
/// in-memory harness, so the order is exact.
/// </summary>
public sealed class When_the_alias_follower_sees_only_the_newest_of_its_writes : IAsyncLifetime
{
    private const string Model = "cnn_classifier";
    private const string Alias = "production";
    private const string Control = "9";

    private readonly ServiceProvider _provider = new ServiceCollection()
        .AddMassTransitTestHarness(x => x.AddSagaStateMachine<RegistryAliasStateMachine, RegistryAliasState>().InMemoryRepository())
        .BuildServiceProvider(true);

    private ITestHarness Harness => _provider.GetRequiredService<ITestHarness>();

    public async Task InitializeAsync() => await Harness.Start();

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    [Fact]
    public async Task Should_take_the_alias_moved_back_to_the_first_as_a_persons_choice()
    {
        await TwoWritesSettledMinutesAgoAsync();
        await SendAsync(Observed("2", PromotionTriggers.Reconciliation));

        var moveBack = Observed("1", PromotionTriggers.Reconciliation);
        await SendAsync(moveBack);

        var triggered = Assert.Single(await PromotionsAfterAsync(1)).Context.Message;
        Assert.Equal(("1", PromotionTriggers.Alias, moveBack.ObservationId), (triggered.Version, triggered.Trigger, triggered.Attempt));
    }

    [Fact]
    public async Task Should_know_its_own_writes_when_their_webhooks_arrive_out_of_order()
    {
        await TwoWritesSettledMinutesAgoAsync();

        // A webhook can be delivered late (MLflow retries it), so the second write's arriving first supersedes nothing.
        await SendAsync(Observed("2", PromotionTriggers.Webhook), Observed("1", PromotionTriggers.Webhook), Observed(Control, PromotionTriggers.Webhook));

        Assert.Equal([Control], (await PromotionsAfterAsync(1)).Select(p => p.Context.Message.Version));
    }

    [Fact]
    public async Task Should_keep_a_write_that_settled_just_before_the_reconciliation_read_the_registry()
    {
        var write = Guid.NewGuid();
        await SendAsync(Observed("1", PromotionTriggers.Reconciliation, baseline: true));
        await SendAsync(Expected("2", write, DateTimeOffset.UtcNow), Settled("2", write, DateTimeOffset.UtcNow));

        // The pass read the registry before the alias moved; the next shows the move, which is still the product's own.
        await SendAsync(Observed("1", PromotionTriggers.Reconciliation), Observed("2", PromotionTriggers.Reconciliation), Observed(Control, PromotionTriggers.Reconciliation));

        Assert.Equal([Control], (await PromotionsAfterAsync(1)).Select(p => p.Context.Message.Version));
    }

    [Fact]
    public async Task Should_start_nothing_for_its_first_writes_webhook_delivered_after_the_reconciliation_moved_past_it()
    {
        var (first, _) = await TwoWritesSettledMinutesAgoAsync();
        await SendAsync(Observed("2", PromotionTriggers.Reconciliation));

        // MLflow delivers the first write's webhook late, stamped with when it happened: older than the pass that saw 2.
        await SendAsync(Observed("1", PromotionTriggers.Webhook, seenAt: first));
        var moveBack = Observed("1", PromotionTriggers.Webhook, seenAt: DateTimeOffset.UtcNow);
        await SendAsync(moveBack);

        var triggered = Assert.Single(await PromotionsAfterAsync(1)).Context.Message;
        Assert.Equal(("1", moveBack.ObservationId), (triggered.Version, triggered.Attempt));
    }

    [Fact]
    public async Task Should_serve_a_move_back_after_its_own_writes_webhooks_arrived_out_of_order()
    {
        var (first, second) = await TwoWritesSettledMinutesAgoAsync();

        // The second write's webhook first, then the first's, stamped earlier: late, and still the product's own.
        await SendAsync(Observed("2", PromotionTriggers.Webhook, seenAt: second), Observed("1", PromotionTriggers.Webhook, seenAt: first));
        var moveBack = Observed("1", PromotionTriggers.Webhook, seenAt: DateTimeOffset.UtcNow);
        await SendAsync(moveBack);

        var triggered = Assert.Single(await PromotionsAfterAsync(1)).Context.Message;
        Assert.Equal(("1", moveBack.ObservationId), (triggered.Version, triggered.Attempt));
    }

    /// <summary>
    /// The product's own writes of versions 1 and 2, settled four and three minutes ago, neither seen in the registry yet;
    /// the times are when each write happened.
    /// </summary>
    private async Task<(DateTimeOffset First, DateTimeOffset Second)> TwoWritesSettledMinutesAgoAsync()
    {
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var firstAt = DateTimeOffset.UtcNow.AddMinutes(-4);
        var secondAt = firstAt.AddSeconds(50);
        await SendAsync(Expected("1", first, firstAt), Settled("1", first, firstAt), Expected("2", second, secondAt), Settled("2", second, secondAt));
        return (firstAt, secondAt);
    }

    /// <summary>
    /// Waits for <paramref name="count"/> promotions. A negative check ends with a person's choice of <see cref="Control"/>:
    /// the saga takes its messages one after another, so once that promotion is seen, any the earlier ones started is too.
    /// </summary>
    private async Task<List<IPublishedMessage<PromotionTriggered>>> PromotionsAfterAsync(int count)
    {
        await Eventually.HoldsAsync(() => Harness.Published.Select<PromotionTriggered>().Count() >= count, $"{count} promotion(s) published");
        return Harness.Published.Select<PromotionTriggered>().ToList();
    }

    private async Task SendAsync(params object[] messages)
    {
        var saga = Harness.GetSagaStateMachineHarness<RegistryAliasStateMachine, RegistryAliasState>();
        foreach (var message in messages)
        {
            var id = NewId.NextGuid();
            await Harness.Bus.Publish(message, context => context.MessageId = id);
            // The harness's own Any may call the bus idle between the publish and the delivery; the snapshot is polled instead.
            await Eventually.HoldsAsync(() => saga.Consumed.Select(m => m.Context.MessageId == id).Any(), $"the alias saga consumed {message}");
        }
    }

    private static RegistryAliasWriteExpected Expected(string version, Guid promotion, DateTimeOffset at) => new()
    {
        FlowId = Guid.NewGuid(), OccurredAt = at, ModelName = Model, Alias = Alias, Version = version, PromotionId = promotion,
    };

    private static RegistryAliasWriteSettled Settled(string version, Guid promotion, DateTimeOffset at) => new()
    {
        FlowId = Guid.NewGuid(), OccurredAt = at, ModelName = Model, Alias = Alias, Version = version, PromotionId = promotion, Served = true,
    };

    private static RegistryAliasObserved Observed(string version, string source, bool baseline = false, DateTimeOffset? seenAt = null) => new()
    {
        FlowId = Guid.Empty, OccurredAt = DateTimeOffset.UtcNow, ModelName = Model, Alias = Alias, Version = version,
        Source = source, ObservationId = Guid.NewGuid(), Baseline = baseline, SeenAt = seenAt,
    };
}
