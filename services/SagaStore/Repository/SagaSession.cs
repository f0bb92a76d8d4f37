using MassTransit;
using Microsoft.Extensions.Logging;
using Mlops.SagaStore.Mapping;
using Mlops.SagaStore.Outbox;
using Mlops.SagaStore.Storage;

namespace Mlops.SagaStore.Repository;

/// <summary>
/// What one message loads and writes in the store, with the version each instance had when it was read. Inside the outbox
/// (a <see cref="MessageTransaction"/> is given) reads include the inbox check and writes are staged for the message's one
/// commit; without it every write commits at once.
/// </summary>
internal sealed class SagaSession<TSaga>
    where TSaga : class, ISaga
{
    /// <summary>Instances one correlation query may match; more means the correlation is not specific enough.</summary>
    public const int MaxCorrelatedInstances = 100;

    private readonly DurableSagaStore _store;
    private readonly SagaMap<TSaga> _map;
    private readonly ILogger _logger;
    private readonly SagaStoreMetrics _metrics;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<Guid, TrackedInstance> _tracked = [];

    public SagaSession(DurableSagaStore store, SagaMap<TSaga> map, ILogger logger, SagaStoreMetrics metrics, MessageTransaction? transaction,
        CancellationToken cancellationToken)
    {
        _store = store;
        _map = map;
        _logger = logger;
        _metrics = metrics;
        Transaction = transaction;
        _cancellationToken = cancellationToken;
    }

    public MessageTransaction? Transaction { get; }

    /// <summary>A read found no instance for the message.</summary>
    public bool FoundNone { get; private set; }

    /// <summary>The message created or changed an instance (or tried to).</summary>
    public bool Wrote { get; private set; }

    /// <summary>Any instance the message touched had finished.</summary>
    public bool TouchedFinished => _tracked.Values.Any(t => t.Finished);

    public TrackedInstance Track(TSaga instance, SagaRow? row)
    {
        var tracked = new TrackedInstance(instance.CorrelationId, row?.Version, _map.StateOf(instance),
            row is null ? null : SagaMap<TSaga>.Serialize(instance), row?.FinishedAt is not null);
        _tracked[instance.CorrelationId] = tracked;
        return tracked;
    }

    public TrackedInstance TrackedFor(TSaga instance) =>
        _tracked.TryGetValue(instance.CorrelationId, out var tracked) ? tracked : Track(instance, null);

    /// <summary>The instance and whether it has finished; a message already in the inbox raises <see cref="DuplicateMessageException"/>.</summary>
    public async Task<(TSaga? Instance, bool Finished)> LoadAsync(Guid correlationId)
    {
        await _store.EnsureReadyAsync(_cancellationToken);
        var load = await _store.Database.LoadAsync(_map, correlationId, Transaction?.Inbox, _cancellationToken);
        if (load.Seen)
            throw new DuplicateMessageException();
        if (load.Row is not { } row)
        {
            FoundNone = true;
            return (null, false);
        }
        return (Materialize(row), row.FinishedAt is not null);
    }

    /// <summary>The instances a correlation matches (finished ones too, so a late trigger does not start a new instance).</summary>
    public async Task<IReadOnlyList<(TSaga Instance, bool Finished)>> QueryAsync(ISagaQuery<TSaga> query)
    {
        var filter = SagaFilterTranslator.Translate(_map, query.FilterExpression);
        await _store.EnsureReadyAsync(_cancellationToken);
        var result = await _store.Database.QueryAsync(_map, filter, Transaction?.Inbox, MaxCorrelatedInstances + 1, _cancellationToken);
        if (result.Seen)
            throw new DuplicateMessageException();
        if (result.Rows.Count > MaxCorrelatedInstances)
        {
            throw new InvalidOperationException(
                $"A correlation of {_map.Name} matched more than {MaxCorrelatedInstances} instances ({filter.Where}); correlate on a more specific indexed property.");
        }
        if (result.Rows.Count == 0)
            FoundNone = true;
        return result.Rows.Select(r => (Materialize(r), r.FinishedAt is not null)).ToArray();
    }

    /// <summary>Writes a new instance before its first event; false when it exists already, which is not an error.</summary>
    public async Task<bool> InsertAsync(TSaga instance)
    {
        await _store.EnsureReadyAsync(_cancellationToken);
        SetVersion(instance, 1);
        var inserted = await _store.Database.InsertAsync(_map, Write(instance, TrackedFor(instance), null, finished: false), _cancellationToken);
        if (inserted)
        {
            var tracked = Track(instance, null);
            tracked.Version = 1;
        }
        return inserted;
    }

    public void Added() => Wrote = true;

    /// <summary>Writes a new instance after its first event; a concurrent creator makes it a conflict, retried as an update.</summary>
    public Task SaveAsync(TSaga instance, ConsumeContext context, string eventName)
    {
        Wrote = true;
        var tracked = TrackedFor(instance);
        SetVersion(instance, 1);
        var write = Write(instance, tracked, Transition(tracked, instance, context, eventName), finished: false);
        return StageAsync(new StagedSagaWrite(_map, write, null), tracked);
    }

    /// <summary>
    /// Writes the next version, unless the transition changed nothing (same document, no deadline change, nothing sent):
    /// then no row, no version and no history line are written. A stale version raises <see cref="ConcurrencyException"/>.
    /// </summary>
    public Task UpdateAsync(TSaga instance, ConsumeContext context, string eventName, bool finished)
    {
        Wrote = true;
        var tracked = TrackedFor(instance);
        if (tracked.Version is not { } expected)
            return SaveAsync(instance, context, eventName);
        if (!finished && !tracked.DeadlineChanged && !(Transaction?.HasMessages ?? false)
            && tracked.Document == SagaMap<TSaga>.Serialize(instance))
        {
            Unchanged = true;
            return Task.CompletedTask;
        }
        SetVersion(instance, expected + 1);
        var write = Write(instance, tracked, Transition(tracked, instance, context, eventName), finished);
        return StageAsync(new StagedSagaWrite(_map, write, expected), tracked);
    }

    /// <summary>The last update found nothing to write.</summary>
    public bool Unchanged { get; private set; }

    /// <summary>Leaves the failed attempt in the audit trail of every instance the message touched; the state is unchanged.</summary>
    public async Task RecordFailureAsync(ConsumeContext context, string eventName, Exception exception)
    {
        foreach (var tracked in _tracked.Values)
        {
            try
            {
                var record = new TransitionRecord(EventLabel(context, eventName), tracked.FromState, tracked.FromState, context.MessageId, Describe(exception));
                await _store.Database.AppendHistoryAsync(_map, tracked.CorrelationId, record, _store.Time.GetUtcNow(), CancellationToken.None);
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Could not record the failure of {SagaType} {CorrelationId} in its history", _map.Name, tracked.CorrelationId);
            }
        }
    }

    // MassTransit wraps an activity's exception in EventExecutionException; the history shows what the activity threw.
    private static string Describe(Exception exception)
    {
        var cause = exception;
        while (cause is EventExecutionException or AggregateException && cause.InnerException is not null)
            cause = cause.InnerException;
        return $"{cause.GetType().Name}: {cause.Message}";
    }

    // Inside the outbox the write waits for the message's commit; outside it the write is its own transaction.
    private async Task StageAsync(StagedSagaWrite staged, TrackedInstance tracked)
    {
        if (Transaction is not null)
        {
            Transaction.Sagas.Add(staged);
            return;
        }
        await _store.EnsureReadyAsync(_cancellationToken);
        var result = await _store.Database.CommitAsync(new StoreCommit { At = staged.Write.At, Sagas = [staged] }, _cancellationToken);
        if (result.Status == CommitStatus.Conflict)
        {
            throw new ConcurrencyException(
                staged.IsInsert
                    ? $"{_map.Name} {staged.Write.CorrelationId} was created concurrently"
                    : $"{_map.Name} {staged.Write.CorrelationId} was changed since version {staged.ExpectedVersion} was read",
                typeof(TSaga), staged.Write.CorrelationId);
        }
        tracked.Version = (staged.ExpectedVersion ?? 0) + 1;
        _metrics.Transitioned([staged]);
    }

    private TSaga Materialize(SagaRow row)
    {
        var instance = _map.Deserialize(row.Data);
        instance.CorrelationId = row.CorrelationId;
        SetVersion(instance, row.Version);
        Track(instance, row);
        return instance;
    }

    private TransitionRecord Transition(TrackedInstance tracked, TSaga instance, ConsumeContext context, string eventName) =>
        new(EventLabel(context, eventName), tracked.FromState, _map.StateOf(instance), context.MessageId, null);

    // Who asked for a command (the ops API's token name) goes into the history line, so the audit trail says it.
    private static string EventLabel(ConsumeContext context, string eventName) =>
        context.Headers.Get<string>(SagaHistoryEntry.RequestedByHeader) is { Length: > 0 } who
            ? eventName + SagaHistoryEntry.RequestedBySeparator + SagaHistoryEntry.CleanRequester(who)
            : eventName;

    private SagaWrite Write(TSaga instance, TrackedInstance tracked, TransitionRecord? history, bool finished)
    {
        var now = _store.Time.GetUtcNow();
        return new SagaWrite(
            instance.CorrelationId,
            _map.StateOf(instance),
            _map.FlowIdOf(instance),
            SagaMap<TSaga>.Serialize(instance),
            _map.IndexValuesOf(instance),
            now,
            tracked.DeadlineAsOf(now),
            finished,
            history);
    }

    private static void SetVersion(TSaga instance, int version)
    {
        if (instance is ISagaVersion versioned)
            versioned.Version = version;
    }
}
