using MassTransit;
using Mlops.SagaStore.Tests.Sagas;
using Mlops.SagaStore.Tests.Stores;
using Mlops.Testing;

namespace Mlops.SagaStore.Tests;

/// <summary>
/// The outbox and inbox as the service pipeline uses them, on every provider: what a transition publishes leaves only with
/// its commit and keeps its envelope; redeliveries, late messages and transitions that change nothing write no saga row.
/// </summary>
public abstract class InboxAndOutboxContract
{
    private static readonly TimeSpan Long = TimeSpan.FromHours(1);

    protected abstract Task<StoreDatabase> NewDatabaseAsync();

    [Fact]
    public async Task Should_apply_a_redelivered_message_once_publishing_once_and_writing_one_history_row()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());
        using var ignored = IgnoredMessages.Of(host);
        var id = await StartAsync(host);
        var messageId = Guid.NewGuid();

        await host.PublishAsync(new RolloutProgressed { CorrelationId = id }, messageId);
        await Eventually.HoldsAsync(() => host.Ledger.For(id).Count == 1, "the first delivery's event downstream");
        await host.PublishAsync(new RolloutProgressed { CorrelationId = id }, messageId);
        await Eventually.HoldsAsync(() => ignored.Count(nameof(RolloutProgressed), SagaStoreMetrics.Duplicate) == 1, "the redelivery counted as a duplicate");

        var record = await host.Catalog.FindAsync(id);
        Assert.Equal((2, "RollingOut"), (record!.Version, record.State));
        Assert.Single(await host.Catalog.HistoryAsync(id), h => h.Event == nameof(RolloutProgressed));
        Assert.Single(host.Ledger.For(id));
        Assert.Empty(host.Harness.Published.Select<Fault<RolloutProgressed>>());
    }

    [Fact]
    public async Task Should_apply_concurrent_copies_of_one_message_once()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());
        using var ignored = IgnoredMessages.Of(host);
        var ids = new List<Guid>();
        for (var i = 0; i < 4; i++)
            ids.Add(await StartAsync(host));

        // Copies racing each other: both may pass the read; the inbox row decides at the commit (PostgreSQL: in one batch).
        var copies = ids.SelectMany(id => Enumerable.Range(0, 3).Select(_ => id)).ToList();
        var messageIds = ids.ToDictionary(id => id, _ => Guid.NewGuid());
        await Task.WhenAll(copies.Select(id => host.PublishAsync(new RolloutProgressed { CorrelationId = id }, messageIds[id])));

        await Eventually.HoldsAsync(() => ignored.Count(nameof(RolloutProgressed), SagaStoreMetrics.Duplicate) == 8, "eight copies refused");
        foreach (var id in ids)
        {
            Assert.Equal(2, (await host.Catalog.FindAsync(id))!.Version);
            Assert.Single(await host.Catalog.HistoryAsync(id), h => h.Event == nameof(RolloutProgressed));
        }
        await Eventually.HoldsAsync(async () => (await host.Catalog.OutboxBacklogAsync()).Pending == 0
            && ids.All(id => host.Ledger.For(id).Count > 0), "each transition's event delivered");
        Assert.All(ids, id => Assert.Single(host.Ledger.For(id)));
    }

    [Fact]
    public async Task Should_deliver_what_a_transition_publishes_with_its_message_id_conversation_initiator_and_headers()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());
        var id = await StartAsync(host);
        var (trigger, conversation) = (Guid.NewGuid(), Guid.NewGuid());

        await host.Harness.Bus.Publish(new RolloutProgressed { CorrelationId = id }, context =>
        {
            context.MessageId = trigger;
            context.ConversationId = conversation;
        });

        var entry = await Eventually.ReturnsAsync(() => Task.FromResult(host.Ledger.For(id) is [var first, ..] ? first : null), "the event downstream");
        Assert.Equal((1, "step-1"), (entry.Message.Progress, entry.Header));
        // MassTransit's own rule: a message published while consuming is initiated by the consumed message's CorrelationId.
        Assert.Equal((conversation, id), (entry.ConversationId, entry.InitiatorId));
        Assert.Equal(id, entry.CorrelationId);
        Assert.NotNull(entry.MessageId);
        Assert.NotEqual(trigger, entry.MessageId);
        Assert.Contains(nameof(RolloutAdvanced), entry.DestinationAddress!.ToString(), StringComparison.Ordinal);
        await Eventually.HoldsAsync(async () => (await host.Catalog.OutboxBacklogAsync()).Pending == 0, "the outbox row marked delivered");
    }

    [Fact]
    public async Task Should_acknowledge_messages_for_a_finished_saga_without_changing_its_row()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());
        using var ignored = IgnoredMessages.Of(host);
        var model = "finished-" + Guid.NewGuid();
        var id = await StartAsync(host, model);
        await host.PublishAsync(new RolloutComplete { ModelName = model });
        var finished = await host.InStateAsync(id, "Final");

        // The trigger again (correlated by id), an event it handled before, and the completion again (correlated by query).
        await host.PublishAsync(new StartRollout { CorrelationId = id, FlowId = Guid.NewGuid(), ModelName = model, Timeout = Long });
        await host.PublishAsync(new RolloutProgressed { CorrelationId = id });
        await host.PublishAsync(new RolloutComplete { ModelName = model });
        await host.ConsumedAsync<StartRollout>(m => m.CorrelationId == id, 2, "the repeated trigger consumed");
        await host.ConsumedAsync<RolloutProgressed>(m => m.CorrelationId == id, 1, "the late event consumed");
        await host.ConsumedAsync<RolloutComplete>(m => m.ModelName == model, 2, "the repeated completion consumed");

        await Eventually.HoldsAsync(() => ignored.Count(nameof(StartRollout), SagaStoreMetrics.Finished) == 1
            && ignored.Count(nameof(RolloutProgressed), SagaStoreMetrics.Finished) == 1
            && ignored.Count(nameof(RolloutComplete), SagaStoreMetrics.Finished) == 1, "each late message counted as finished");
        var after = await host.Catalog.FindAsync(id);
        Assert.Equal((finished.Version, finished.UpdatedAt, "Final"), (after!.Version, after.UpdatedAt, after.State));
        Assert.Equal(2, (await host.Catalog.HistoryAsync(id)).Count);
        Assert.Empty(host.Ledger.For(id));
        Assert.Empty(host.Harness.Published.Select<Fault>());
    }

    [Fact]
    public async Task Should_acknowledge_an_event_the_current_state_does_not_handle_without_changing_the_row()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());
        using var ignored = IgnoredMessages.Of(host);
        var id = await StartAsync(host);
        await host.PublishAsync(new PauseRollout { CorrelationId = id });
        var waiting = await host.InStateAsync(id, "Waiting");

        await host.PublishAsync(new PauseRollout { CorrelationId = id });
        await host.ConsumedAsync<PauseRollout>(m => m.CorrelationId == id, 2, "the second pause consumed");

        await Eventually.HoldsAsync(() => ignored.Count(nameof(PauseRollout), SagaStoreMetrics.Unhandled) == 1, "the unhandled event counted");
        Assert.Equal(waiting.Version, (await host.Catalog.FindAsync(id))!.Version);
        Assert.Equal(2, (await host.Catalog.HistoryAsync(id)).Count);
        Assert.Empty(host.Harness.Published.Select<Fault<PauseRollout>>());
    }

    [Fact]
    public async Task Should_write_no_row_for_a_handled_event_that_changes_nothing()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());
        using var ignored = IgnoredMessages.Of(host);
        var id = await StartAsync(host);
        await host.PublishAsync(new RolloutNoted { CorrelationId = id, Note = "canary at 5 %" });
        await Eventually.HoldsAsync(async () => (await host.Catalog.FindAsync(id))!.Version == 2, "the note stored");

        await host.PublishAsync(new RolloutNoted { CorrelationId = id, Note = "canary at 5 %" });
        await host.ConsumedAsync<RolloutNoted>(m => m.CorrelationId == id, 2, "the same note consumed again");

        await Eventually.HoldsAsync(() => ignored.Count(nameof(RolloutNoted), SagaStoreMetrics.Unchanged) == 1, "the unchanged transition counted");
        Assert.Equal(2, (await host.Catalog.FindAsync(id))!.Version);
        Assert.Single(await host.Catalog.HistoryAsync(id), h => h.Event == nameof(RolloutNoted));
    }

    [Fact]
    public async Task Should_count_an_event_for_no_instance_that_starts_none()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());
        using var ignored = IgnoredMessages.Of(host);
        var id = Guid.NewGuid();

        await host.PublishAsync(new RolloutNoted { CorrelationId = id, Note = "for nobody" });
        await host.ConsumedAsync<RolloutNoted>(m => m.CorrelationId == id, 1, "the event consumed");

        await Eventually.HoldsAsync(() => ignored.Count(nameof(RolloutNoted), SagaStoreMetrics.NoInstance) >= 1, "the event for no instance counted");
        Assert.Null(await host.Catalog.FindAsync(id));
    }

    [Fact]
    public async Task Should_commit_an_outbox_API_record_with_its_messages_and_refuse_the_same_record_again()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());
        var (rollout, marker) = (Guid.NewGuid(), Guid.NewGuid());
        var delivery = Guid.NewGuid().ToString();

        var first = await host.Outbox.CommitAsync(async tx =>
        {
            tx.Record("webhook-delivery", delivery, "model_version.created");
            await tx.Publisher.Publish(new RolloutAdvanced { CorrelationId = rollout, Progress = 7 });
        });
        Assert.Equal(OutboxCommitResult.Committed, first);
        Assert.True(await host.Outbox.HasRecordAsync("webhook-delivery", delivery));
        await Eventually.HoldsAsync(() => host.Ledger.For(rollout).Count == 1, "the committed message delivered");

        var again = await host.Outbox.CommitAsync(async tx =>
        {
            tx.Record("webhook-delivery", delivery);
            await tx.Publisher.Publish(new RolloutAdvanced { CorrelationId = rollout, Progress = 8 });
        });
        Assert.Equal(OutboxCommitResult.AlreadyRecorded, again);

        // Batches are delivered in commit order: once this later one arrived, a message of the refused one would have too.
        await host.Outbox.CommitAsync(tx => tx.Publisher.Publish(new RolloutAdvanced { CorrelationId = marker, Progress = 1 }));
        await Eventually.HoldsAsync(() => host.Ledger.For(marker).Count == 1, "the later message delivered");
        Assert.Equal([7], host.Ledger.For(rollout).Select(e => e.Message.Progress));
        Assert.False(await host.Outbox.HasRecordAsync("webhook-delivery", Guid.NewGuid().ToString()));
    }

    [Fact]
    public async Task Should_refuse_outbox_API_records_that_are_empty_oversized_or_hold_control_characters()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());

        foreach (var (kind, key) in new[] { ("", "k"), ("webhook", " "), ("webhook", new string('x', 401)), ("webhook", "id\r\nX-Injected: 1") })
        {
            var refused = await Assert.ThrowsAsync<ArgumentException>(() => host.Outbox.CommitAsync(tx =>
            {
                tx.Record(kind, key);
                return Task.CompletedTask;
            }));
            Assert.Contains("record", refused.Message, StringComparison.Ordinal);
        }
        await Assert.ThrowsAsync<ArgumentException>(() => host.Outbox.HasRecordAsync("webhook", ""));
    }

    [Fact]
    public async Task Should_quarantine_a_deadline_that_cannot_fire_while_the_other_deadlines_fire()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());
        var flow = Guid.NewGuid();
        var (good, bad, other) = (await StartAsync(host, flow: flow), await StartAsync(host, flow: flow), await StartAsync(host, flow: flow));

        // A deadline stored by a release whose timeout type no longer exists, among passed deadlines that are fine.
        await db.ExecuteAsync($"UPDATE saga_rollout_state SET deadline_event = 'Gone.RolloutTimedOut, Gone' WHERE correlation_id = {db.IdLiteral(bad)}");
        await db.ExecuteAsync($"UPDATE saga_rollout_state SET deadline_at = {db.PastTimeLiteral} WHERE flow_id = '{flow}'");

        await host.InStateAsync(good, "Expired");
        await host.InStateAsync(other, "Expired");
        var quarantined = await Eventually.ReturnsAsync(async () => await host.Catalog.FindAsync(bad) is { DeadlineError: not null } r ? r : null,
            "the bad deadline quarantined");
        Assert.Contains("Gone.RolloutTimedOut", quarantined.DeadlineError, StringComparison.Ordinal);
        Assert.Contains("not known", quarantined.DeadlineError, StringComparison.Ordinal);
        Assert.Equal(("RollingOut", (DateTimeOffset?)null), (quarantined.State, quarantined.DeadlineAt));
        var listed = await host.Catalog.ListAsync(new SagaInstanceQuery { FlowId = flow.ToString(), QuarantinedDeadlines = true });
        Assert.Equal([bad], listed.Items.Select(r => r.CorrelationId));

        // A new deadline lifts the quarantine.
        await host.PublishAsync(new PauseRollout { CorrelationId = bad });
        Assert.Null((await host.InStateAsync(bad, "Waiting")).DeadlineError);
    }

    [Fact]
    public async Task Should_send_nothing_to_the_error_queue_for_a_duplicate_trigger_after_the_end_on_RabbitMQ()
    {
        await using var db = await NewDatabaseAsync();
        await using var vhost = await RabbitMqVirtualHost.CreateAsync("saga-store-late");
        await using var host = await SagaHost.StartAsync(db.Options(), vhost.AmqpUrl);
        var model = "late-" + Guid.NewGuid();
        var id = await StartAsync(host, model);
        await host.PublishAsync(new RolloutComplete { ModelName = model });
        var finished = await host.InStateAsync(id, "Final");

        await host.PublishAsync(new StartRollout { CorrelationId = id, FlowId = Guid.NewGuid(), ModelName = model, Timeout = Long });
        await host.PublishAsync(new PauseRollout { CorrelationId = id });
        await host.ConsumedAsync<StartRollout>(m => m.CorrelationId == id, 2, "the repeated trigger consumed");
        await host.ConsumedAsync<PauseRollout>(m => m.CorrelationId == id, 1, "the late pause consumed");

        var queues = await vhost.ListAsync("queues");
        Assert.Contains(queues, q => q.GetProperty("name").GetString() == "rollout-state");
        Assert.DoesNotContain(queues, q => q.GetProperty("name").GetString()!.EndsWith("_error", StringComparison.Ordinal));
        Assert.Equal(finished.Version, (await host.Catalog.FindAsync(id))!.Version);
    }

    [Fact]
    public async Task Should_clean_inbox_rows_and_delivered_outbox_rows_once_their_windows_pass()
    {
        await using var db = await NewDatabaseAsync();
        var options = db.Options();
        options.InboxKeepFor = TimeSpan.FromMilliseconds(300);
        options.OutboxKeepDeliveredFor = TimeSpan.Zero;
        await using var host = await SagaHost.StartAsync(options);
        var id = await StartAsync(host);

        await host.PublishAsync(new RolloutProgressed { CorrelationId = id });
        await Eventually.HoldsAsync(() => host.Ledger.For(id).Count == 1, "the event delivered");

        await Eventually.HoldsAsync(async () => await db.CountAsync("saga_inbox") == 0 && await db.CountAsync("saga_outbox") == 0,
            "inbox and outbox cleaned");
        Assert.Equal(2, (await host.Catalog.FindAsync(id))!.Version);
    }

    private static async Task<Guid> StartAsync(SagaHost host, string? model = null, Guid? flow = null)
    {
        var id = Guid.NewGuid();
        await host.PublishAsync(new StartRollout { CorrelationId = id, FlowId = flow ?? Guid.NewGuid(), ModelName = model ?? "model-" + id, Timeout = Long });
        await host.InStateAsync(id, "RollingOut");
        return id;
    }
}
