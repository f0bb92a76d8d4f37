using MassTransit;
using Microsoft.Extensions.Logging;
using Mlops.SagaStore.Mapping;
using Mlops.SagaStore.Storage;

namespace Mlops.SagaStore.Repository;

/// <summary>What one message loads and writes in the store, with the version each instance had when it was read.</summary>
internal sealed class SagaSession<TSaga>
    where TSaga : class, ISaga
{
    private readonly DurableSagaStore _store;
    private readonly SagaMap<TSaga> _map;
    private readonly ILogger _logger;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<Guid, TrackedInstance> _tracked = [];

    public SagaSession(DurableSagaStore store, SagaMap<TSaga> map, ILogger logger, CancellationToken cancellationToken)
    {
        _store = store;
        _map = map;
        _logger = logger;
        _cancellationToken = cancellationToken;
    }

    public TrackedInstance Track(TSaga instance, int? version)
    {
        var tracked = new TrackedInstance(instance.CorrelationId, version, _map.StateOf(instance));
        _tracked[instance.CorrelationId] = tracked;
        return tracked;
    }

    public TrackedInstance TrackedFor(TSaga instance) =>
        _tracked.TryGetValue(instance.CorrelationId, out var tracked) ? tracked : Track(instance, null);

    public async Task<TSaga?> LoadAsync(Guid correlationId)
    {
        await _store.EnsureReadyAsync(_cancellationToken);
        var row = await _store.Database.LoadAsync(_map, correlationId, _cancellationToken);
        return row is null ? null : Materialize(row);
    }

    public async Task<IReadOnlyList<TSaga>> QueryAsync(ISagaQuery<TSaga> query)
    {
        var filter = SagaFilterTranslator.Translate(_map, query.FilterExpression);
        await _store.EnsureReadyAsync(_cancellationToken);
        var rows = await _store.Database.QueryAsync(_map, filter, _cancellationToken);
        return rows.Select(Materialize).ToArray();
    }

    /// <summary>Writes a new instance before its first event; false when it exists already, which is not an error.</summary>
    public async Task<bool> InsertAsync(TSaga instance)
    {
        await _store.EnsureReadyAsync(_cancellationToken);
        SetVersion(instance, 1);
        var inserted = await _store.Database.InsertAsync(_map, Write(instance, TrackedFor(instance), null, finished: false), _cancellationToken);
        if (inserted)
            Track(instance, 1);
        return inserted;
    }

    /// <summary>Writes a new instance after its first event; a concurrent creator makes it a conflict, retried as an update.</summary>
    public async Task SaveAsync(TSaga instance, ConsumeContext context, string eventName)
    {
        await _store.EnsureReadyAsync(_cancellationToken);
        var tracked = TrackedFor(instance);
        SetVersion(instance, 1);
        var write = Write(instance, tracked, Transition(tracked, instance, context, eventName), finished: false);
        if (!await _store.Database.InsertAsync(_map, write, _cancellationToken))
            throw new ConcurrencyException($"{_map.Name} {instance.CorrelationId} was created concurrently", typeof(TSaga), instance.CorrelationId);
        tracked.Version = 1;
    }

    /// <summary>Writes the next version; a stale version raises <see cref="ConcurrencyException"/> so the message is retried.</summary>
    public async Task UpdateAsync(TSaga instance, ConsumeContext context, string eventName, bool finished)
    {
        var tracked = TrackedFor(instance);
        if (tracked.Version is not { } expected)
        {
            await SaveAsync(instance, context, eventName);
            return;
        }
        SetVersion(instance, expected + 1);
        var write = Write(instance, tracked, Transition(tracked, instance, context, eventName), finished);
        if (!await _store.Database.UpdateAsync(_map, write, expected, _cancellationToken))
        {
            SetVersion(instance, expected);
            throw new ConcurrencyException($"{_map.Name} {instance.CorrelationId} was changed since version {expected} was read",
                typeof(TSaga), instance.CorrelationId);
        }
        tracked.Version = expected + 1;
    }

    /// <summary>Leaves the failed attempt in the audit trail of every instance the message touched; the state is unchanged.</summary>
    public async Task RecordFailureAsync(ConsumeContext context, string eventName, Exception exception)
    {
        foreach (var tracked in _tracked.Values)
        {
            try
            {
                var record = new TransitionRecord(eventName, tracked.FromState, tracked.FromState, context.MessageId,
                    $"{exception.GetType().Name}: {exception.Message}");
                await _store.Database.AppendHistoryAsync(_map, tracked.CorrelationId, record, _store.Time.GetUtcNow(), CancellationToken.None);
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Could not record the failure of {SagaType} {CorrelationId} in its history", _map.Name, tracked.CorrelationId);
            }
        }
    }

    private TSaga Materialize(SagaRow row)
    {
        var instance = _map.Deserialize(row.Data);
        instance.CorrelationId = row.CorrelationId;
        SetVersion(instance, row.Version);
        Track(instance, row.Version);
        return instance;
    }

    private TransitionRecord Transition(TrackedInstance tracked, TSaga instance, ConsumeContext context, string eventName) =>
        new(eventName, tracked.FromState, _map.StateOf(instance), context.MessageId, null);

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
