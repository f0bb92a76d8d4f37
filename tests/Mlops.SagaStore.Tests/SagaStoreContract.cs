using MassTransit;
using MassTransit.Saga;
using Microsoft.Extensions.DependencyInjection;
using Mlops.SagaStore.Tests.Sagas;
using Mlops.SagaStore.Tests.Stores;
using Mlops.Testing;

namespace Mlops.SagaStore.Tests;

/// <summary>What every saga store provider must do; each provider runs it through a subclass.</summary>
public abstract class SagaStoreContract
{
    private static readonly TimeSpan Long = TimeSpan.FromHours(1);

    protected abstract Task<StoreDatabase> NewDatabaseAsync();

    [Fact]
    public async Task Inserts_a_new_instance_as_version_1_with_its_columns_deadline_and_a_creation_row()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());
        var (id, flowId, messageId) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        await host.PublishAsync(new StartRollout { CorrelationId = id, FlowId = flowId, ModelName = "cnn_classifier", Timeout = Long }, messageId);

        var record = await host.InStateAsync(id, "RollingOut");
        Assert.Equal("RolloutState", record.SagaType);
        Assert.Equal(1, record.Version);
        Assert.Equal(flowId.ToString(), record.FlowId);
        Assert.Null(record.FinishedAt);
        Assert.Equal("RolloutTimedOut", record.DeadlineEvent);
        Assert.InRange(record.DeadlineAt!.Value, DateTimeOffset.UtcNow.AddMinutes(55), DateTimeOffset.UtcNow.AddMinutes(61));
        var created = Assert.Single(await host.Catalog.HistoryAsync(id));
        Assert.Equal(("StartRollout", null, "RollingOut", messageId), (created.Event, created.FromState, created.ToState, created.MessageId));
    }

    [Fact]
    public async Task Loads_an_instance_through_MassTransits_load_repository()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());
        var id = Guid.NewGuid();
        await host.PublishAsync(new StartRollout { CorrelationId = id, FlowId = Guid.NewGuid(), ModelName = "resnet", Timeout = Long });
        await host.InStateAsync(id, "RollingOut");

        var saga = await host.Services.GetRequiredService<ILoadSagaRepository<RolloutState>>().Load(id);

        Assert.NotNull(saga);
        Assert.Equal(("resnet", "RollingOut", 1), (saga.ModelName, saga.CurrentState, saga.Version));
        Assert.Null(await host.Services.GetRequiredService<ILoadSagaRepository<RolloutState>>().Load(Guid.NewGuid()));
    }

    [Fact]
    public async Task Updates_write_the_next_version_and_append_a_history_row_each()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());
        var id = await StartAsync(host);

        for (var i = 0; i < 3; i++)
            await host.PublishAsync(new RolloutProgressed { CorrelationId = id });

        await Eventually.HoldsAsync(async () => (await host.Catalog.FindAsync(id))!.Version == 4, "three updates after the insert");
        var saga = await LoadAsync(host, id);
        Assert.Equal(3, saga.Progress);
        var history = await host.Catalog.HistoryAsync(id);
        Assert.Equal(4, history.Count);
        Assert.All(history.Skip(1), h => Assert.Equal(("RolloutProgressed", "RollingOut", "RollingOut"), (h.Event, h.FromState, h.ToState)));
    }

    [Fact]
    public async Task Finishing_a_saga_keeps_it_marked_finished_with_its_history_and_no_deadline()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());
        var id = await StartAsync(host, model: "finish-" + Guid.NewGuid());
        var model = (await LoadAsync(host, id)).ModelName!;

        await host.PublishAsync(new RolloutComplete { ModelName = model });

        var record = await host.InStateAsync(id, "Final");
        Assert.NotNull(record.FinishedAt);
        Assert.Null(record.DeadlineAt);
        Assert.Equal(2, record.Version);
        var last = (await host.Catalog.HistoryAsync(id))[^1];
        Assert.Equal(("RolloutComplete", "RollingOut", "Final"), (last.Event, last.FromState, last.ToState));
    }

    [Fact]
    public async Task Finished_instances_and_their_history_are_purged_after_the_configured_age_and_running_ones_stay()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options(keepFinishedFor: TimeSpan.FromMilliseconds(200)));
        var running = await StartAsync(host, model: "running-" + Guid.NewGuid());
        var model = "done-" + Guid.NewGuid();
        var finished = await StartAsync(host, model: model);

        await host.PublishAsync(new RolloutComplete { ModelName = model });

        await Eventually.HoldsAsync(async () => await host.Catalog.FindAsync(finished) is null, "finished rollout purged");
        Assert.Empty(await host.Catalog.HistoryAsync(finished));
        Assert.Equal("RollingOut", (await host.Catalog.FindAsync(running))!.State);
        Assert.NotEmpty(await host.Catalog.HistoryAsync(running));
    }

    [Fact]
    public async Task Eight_concurrent_consumers_updating_one_instance_apply_every_update_exactly_once()
    {
        const int updates = 200;
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());
        var id = await StartAsync(host);

        await Task.WhenAll(Enumerable.Range(0, updates).Select(_ => host.PublishAsync(new RolloutProgressed { CorrelationId = id })));

        await Eventually.HoldsAsync(async () => (await host.Catalog.HistoryAsync(id)).Count >= updates + 1, $"{updates} updates in the history",
            TimeSpan.FromSeconds(60));
        var saga = await LoadAsync(host, id);
        Assert.Equal(updates, saga.Progress);
        Assert.Equal(updates + 1, saga.Version);
        var history = await host.Catalog.HistoryAsync(id);
        Assert.Equal(updates + 1, history.Count);
        Assert.All(history, h => Assert.Null(h.Error));
        Assert.Equal(updates, history.Select(h => h.MessageId).Skip(1).Distinct().Count());
    }

    [Fact]
    public async Task A_stale_update_fails_with_MassTransits_ConcurrencyException()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options(), retryConflicts: false);
        var id = await StartAsync(host);
        host.Interference.OnFirstAttempt = BumpVersion(db);

        await host.PublishAsync(new RolloutInterfered { CorrelationId = id });

        var fault = await Eventually.ReturnsAsync(() => Task.FromResult(host.Harness.Published.Select<Fault<RolloutInterfered>>().FirstOrDefault()),
            "fault of the stale update");
        Assert.Equal(typeof(ConcurrencyException).FullName, fault.Context.Message.Exceptions[0].ExceptionType);
        var saga = await LoadAsync(host, id);
        Assert.Equal((0, 2), (saga.Progress, saga.Version));
    }

    [Fact]
    public async Task A_stale_update_is_retried_and_applied_once_without_losing_the_other_write()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());
        var id = await StartAsync(host);
        host.Interference.OnFirstAttempt = BumpVersion(db);

        await host.PublishAsync(new RolloutInterfered { CorrelationId = id });

        await Eventually.HoldsAsync(async () => (await LoadAsync(host, id)).Progress == 1, "the retried update applied");
        Assert.Equal(2, host.Interference.Attempts);
        Assert.Equal(3, (await LoadAsync(host, id)).Version);
        Assert.All(await host.Catalog.HistoryAsync(id), h => Assert.Null(h.Error));
    }

    [Fact]
    public async Task Duplicate_first_events_for_one_id_land_on_a_single_instance()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());
        var id = Guid.NewGuid();
        var start = new StartRollout { CorrelationId = id, FlowId = Guid.NewGuid(), ModelName = "dup", Timeout = Long };

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => host.PublishAsync(start)));

        await host.ConsumedAsync<StartRollout>(m => m.CorrelationId == id, 4, "four start events handled");
        var created = Assert.Single(await host.Catalog.HistoryAsync(id));
        Assert.Equal((null, "RollingOut"), (created.FromState, created.ToState));
        Assert.Equal(1, (await host.Catalog.FindAsync(id))!.Version);
        Assert.Empty(host.Harness.Published.Select<Fault<StartRollout>>());
    }

    [Fact]
    public async Task Inserting_an_instance_that_already_exists_is_not_an_error()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());
        var id = Guid.NewGuid();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => host.PublishAsync(new AdoptRollout { CorrelationId = id, ModelName = "adopted" })));

        await host.ConsumedAsync<AdoptRollout>(m => m.CorrelationId == id, 4, "four adopt events handled");
        var adopted = Assert.Single(await host.Catalog.HistoryAsync(id));
        Assert.Equal("RollingOut", adopted.ToState);
        Assert.Empty(host.Harness.Published.Select<Fault<AdoptRollout>>());
        // Version 1 is the pre-insert, 2 the transition; the three later adopts changed nothing.
        Assert.Equal(2, (await host.Catalog.FindAsync(id))!.Version);
    }

    [Fact]
    public async Task CorrelateBy_finds_the_instance_through_an_indexed_column()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());
        var modelA = "model-a-" + Guid.NewGuid();
        var a = await StartAsync(host, model: modelA);
        var b = await StartAsync(host, model: "model-b-" + Guid.NewGuid());

        await host.PublishAsync(new RolloutComplete { ModelName = modelA });

        await host.InStateAsync(a, "Final");
        Assert.Equal("RollingOut", (await host.Catalog.FindAsync(b))!.State);
        Assert.Contains("saga_rollout_state_ix_model_name", await db.IndexesAsync("saga_rollout_state"));
        var found = await host.Services.GetRequiredService<IQuerySagaRepository<RolloutState>>()
            .Find(new SagaQuery<RolloutState>(x => x.ModelName == modelA));
        Assert.Equal([a], found);
    }

    [Fact]
    public async Task CorrelateBy_on_a_property_without_an_index_is_refused_instead_of_scanning()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());
        var repository = host.Services.GetRequiredService<IQuerySagaRepository<RolloutState>>();

        var refused = await Assert.ThrowsAsync<NotSupportedException>(() => repository.Find(new SagaQuery<RolloutState>(x => x.Note == "n")));

        Assert.Contains("RolloutState.Note", refused.Message, StringComparison.Ordinal);
        Assert.Contains("[SagaIndex]", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CorrelateBy_that_pins_no_indexed_column_to_a_value_is_refused_instead_of_scanning()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());
        var repository = host.Services.GetRequiredService<IQuerySagaRepository<RolloutState>>();

        var different = await Assert.ThrowsAsync<NotSupportedException>(() => repository.Find(new SagaQuery<RolloutState>(x => x.ModelName != "a")));
        var either = await Assert.ThrowsAsync<NotSupportedException>(() =>
            repository.Find(new SagaQuery<RolloutState>(x => x.ModelName == "a" || x.CurrentState != "Final")));
        var unset = await Assert.ThrowsAsync<NotSupportedException>(() => repository.Find(new SagaQuery<RolloutState>(x => x.ModelName == null)));

        Assert.All(new[] { different, either, unset }, e => Assert.Contains("would scan the table", e.Message, StringComparison.Ordinal));
        Assert.Empty(await repository.Find(new SagaQuery<RolloutState>(x => x.ModelName == "a" && x.CurrentState != "Final")));
    }

    [Fact]
    public async Task History_records_each_transition_with_event_states_time_and_message_id_in_order()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());
        var (id, model) = (Guid.NewGuid(), "hist-" + Guid.NewGuid());
        var messages = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        await host.PublishAsync(new StartRollout { CorrelationId = id, FlowId = Guid.NewGuid(), ModelName = model, Timeout = Long }, messages[0]);
        await host.InStateAsync(id, "RollingOut");
        await host.PublishAsync(new RolloutProgressed { CorrelationId = id }, messages[1]);
        await Eventually.HoldsAsync(async () => (await host.Catalog.FindAsync(id))!.Version == 2, "progress stored");
        await host.PublishAsync(new RolloutComplete { ModelName = model }, messages[2]);
        await host.InStateAsync(id, "Final");

        var history = await host.Catalog.HistoryAsync(id);
        Assert.Equal(
            [("StartRollout", null, "RollingOut", messages[0]), ("RolloutProgressed", "RollingOut", "RollingOut", messages[1]),
                ("RolloutComplete", "RollingOut", "Final", messages[2])],
            history.Select(h => (h.Event, h.FromState, h.ToState, h.MessageId!.Value)).ToArray());
        Assert.All(history, h => Assert.InRange(h.OccurredAt, before, DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.Equal(history.OrderBy(h => h.OccurredAt).Select(h => h.Sequence), history.Select(h => h.Sequence));
    }

    [Fact]
    public async Task A_failed_transition_keeps_the_state_and_records_the_error_in_the_history()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());
        var id = await StartAsync(host);
        var messageId = Guid.NewGuid();

        await host.PublishAsync(new RolloutBroken { CorrelationId = id, Reason = "registry said no" }, messageId);

        await Eventually.HoldsAsync(async () => (await host.Catalog.HistoryAsync(id)).Count == 2, "the failure recorded");
        var failure = (await host.Catalog.HistoryAsync(id))[^1];
        Assert.Equal(("RolloutBroken", "RollingOut", "RollingOut", messageId), (failure.Event, failure.FromState, failure.ToState, failure.MessageId));
        Assert.Contains("registry said no", failure.Error, StringComparison.Ordinal);
        var record = await host.Catalog.FindAsync(id);
        Assert.Equal(("RollingOut", 1), (record!.State, record.Version));
        // It published before it failed: the rolled-back transaction delivers nothing.
        Assert.Empty(host.Ledger.For(id));
        Assert.Equal(0, (await host.Catalog.OutboxBacklogAsync()).Pending);
    }

    [Fact]
    public async Task Lists_instances_by_saga_type_state_and_flow_with_paging()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());
        var flow = Guid.NewGuid();
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
            ids.Add(await StartAsync(host, flow: flow));
        await StartAsync(host);
        foreach (var paused in ids.Take(2))
            await host.PublishAsync(new PauseRollout { CorrelationId = paused });
        foreach (var paused in ids.Take(2))
            await host.InStateAsync(paused, "Waiting");

        var first = await host.Catalog.ListAsync(new SagaInstanceQuery { FlowId = flow.ToString(), Limit = 2 });
        var second = await host.Catalog.ListAsync(new SagaInstanceQuery { FlowId = flow.ToString(), Limit = 2, Offset = first.NextOffset!.Value });
        var third = await host.Catalog.ListAsync(new SagaInstanceQuery { FlowId = flow.ToString(), Limit = 2, Offset = second.NextOffset!.Value });
        var waiting = await host.Catalog.ListAsync(new SagaInstanceQuery { SagaType = "RolloutState", State = "Waiting", FlowId = flow.ToString() });
        var all = await host.Catalog.ListAsync(new SagaInstanceQuery { SagaType = "RolloutState" });

        Assert.Equal((2, 2, 1), (first.Items.Count, second.Items.Count, third.Items.Count));
        Assert.Null(third.NextOffset);
        Assert.Equal(ids.Order(), first.Items.Concat(second.Items).Concat(third.Items).Select(r => r.CorrelationId).Order());
        Assert.Equal(ids.Take(2).Order(), waiting.Items.Select(r => r.CorrelationId).Order());
        Assert.Equal(6, all.Items.Count);
        Assert.True(all.Items.Zip(all.Items.Skip(1)).All(p => p.First.CreatedAt >= p.Second.CreatedAt), "newest first");
        Assert.Equal(["RolloutState"], host.Catalog.SagaTypes);
        await Assert.ThrowsAsync<ArgumentException>(() => host.Catalog.ListAsync(new SagaInstanceQuery { SagaType = "NoSuchState" }));
    }

    [Fact]
    public async Task A_deadline_fires_once_with_correlation_flow_and_time_even_with_two_sweepers()
    {
        const int sagas = 10;
        await using var db = await NewDatabaseAsync();
        await using var first = await SagaHost.StartAsync(db.Options());
        await using var second = await SagaHost.StartAsync(db.Options());
        var flow = Guid.NewGuid();
        var before = DateTimeOffset.UtcNow;

        var ids = new List<Guid>();
        for (var i = 0; i < sagas; i++)
            ids.Add(await StartAsync(first, flow: flow, timeout: TimeSpan.FromMilliseconds(500)));

        foreach (var id in ids)
            await first.InStateAsync(id, "Expired");
        await Eventually.HoldsAsync(async () => (await first.Catalog.ListAsync(new SagaInstanceQuery { FlowId = flow.ToString() }))
            .Items.All(r => r.DeadlineAt is null), "every deadline claimed");

        var fired = first.Harness.Consumed.Select<RolloutTimedOut>().Concat(second.Harness.Consumed.Select<RolloutTimedOut>())
            .Select(c => c.Context.Message).Where(m => ids.Contains(m.CorrelationId)).ToList();
        Assert.Equal(ids.Order(), fired.Select(m => m.CorrelationId).Order());
        Assert.All(fired, m => Assert.Equal(flow, m.FlowId));
        Assert.All(fired, m => Assert.InRange(m.OccurredAt, before, DateTimeOffset.UtcNow));
        foreach (var id in ids)
            Assert.Single(await first.Catalog.HistoryAsync(id), h => h.Event == "RolloutTimedOut");
    }

    [Fact]
    public async Task A_cleared_deadline_is_never_published()
    {
        await using var db = await NewDatabaseAsync();
        await using var host = await SagaHost.StartAsync(db.Options());
        var paused = await StartAsync(host, timeout: TimeSpan.FromSeconds(1));
        await host.PublishAsync(new PauseRollout { CorrelationId = paused });
        Assert.Null((await host.InStateAsync(paused, "Waiting")).DeadlineAt);

        // Its deadline would have passed before this later one fires, so the sweeps in between prove it stays cleared.
        var later = await StartAsync(host, timeout: TimeSpan.FromSeconds(1.5));
        await host.InStateAsync(later, "Expired");

        Assert.Equal("Waiting", (await host.Catalog.FindAsync(paused))!.State);
        Assert.DoesNotContain(host.Harness.Consumed.Select<RolloutTimedOut>(), c => c.Context.Message.CorrelationId == paused);
    }

    [Fact]
    public async Task A_host_stopped_mid_flow_is_finished_by_a_new_host_on_the_same_store_including_its_deadline()
    {
        await using var db = await NewDatabaseAsync();
        await using var vhost = await RabbitMqVirtualHost.CreateAsync("saga-store");
        var id = Guid.NewGuid();

        var before = await SagaHost.StartAsync(db.Options(), vhost.AmqpUrl);
        await before.PublishAsync(new StartRollout { CorrelationId = id, FlowId = Guid.NewGuid(), ModelName = "restart", Timeout = TimeSpan.FromSeconds(6) });
        await before.InStateAsync(id, "RollingOut");
        await before.DisposeAsync();

        await using var after = await SagaHost.StartAsync(db.Options(), vhost.AmqpUrl);
        Assert.NotNull((await after.Catalog.FindAsync(id))!.DeadlineAt);
        await after.PublishAsync(new RolloutProgressed { CorrelationId = id });
        var expired = await after.InStateAsync(id, "Expired");

        Assert.Equal(1, (await LoadAsync(after, id)).Progress);
        Assert.Null(expired.DeadlineAt);
        Assert.Equal(["StartRollout", "RolloutProgressed", "RolloutTimedOut"], (await after.Catalog.HistoryAsync(id)).Select(h => h.Event));
    }

    [Fact]
    public async Task Two_hosts_starting_together_on_an_empty_database_both_get_a_working_schema()
    {
        await using var db = await NewDatabaseAsync();

        var hosts = await Task.WhenAll(SagaHost.StartAsync(db.Options()), SagaHost.StartAsync(db.Options()));
        await using var first = hosts[0];
        await using var second = hosts[1];

        var a = await StartAsync(first);
        var b = await StartAsync(second);
        Assert.NotNull(await second.Catalog.FindAsync(a));
        Assert.NotNull(await first.Catalog.FindAsync(b));
    }

    [Fact]
    public async Task A_database_with_a_newer_schema_version_stops_the_host_with_a_clear_message()
    {
        await using var db = await NewDatabaseAsync();
        await (await SagaHost.StartAsync(db.Options())).DisposeAsync();
        await db.ExecuteAsync("UPDATE saga_store_schema SET version = 99");

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => SagaHost.StartAsync(db.Options()));

        var schema = Assert.IsType<SagaStoreSchemaException>(failure is AggregateException a ? a.InnerException : failure);
        Assert.Contains("schema version 99", schema.Message, StringComparison.Ordinal);
    }

    private static Func<Guid, Task> BumpVersion(StoreDatabase db) =>
        id => db.ExecuteAsync($"UPDATE saga_rollout_state SET version = version + 1 WHERE correlation_id = {db.IdLiteral(id)}");

    private static async Task<Guid> StartAsync(SagaHost host, string? model = null, Guid? flow = null, TimeSpan? timeout = null)
    {
        var id = Guid.NewGuid();
        await host.PublishAsync(new StartRollout
        {
            CorrelationId = id,
            FlowId = flow ?? Guid.NewGuid(),
            ModelName = model ?? "model-" + id,
            Timeout = timeout ?? Long,
        });
        await host.InStateAsync(id, "RollingOut");
        return id;
    }

    private static async Task<RolloutState> LoadAsync(SagaHost host, Guid id) =>
        await host.Services.GetRequiredService<ILoadSagaRepository<RolloutState>>().Load(id)
        ?? throw new InvalidOperationException($"rollout {id} is not stored");
}
