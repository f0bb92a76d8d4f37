using MassTransit;
using MassTransit.Saga;
using Microsoft.Extensions.Logging;
using Mlops.SagaStore.Mapping;
using Mlops.SagaStore.Outbox;

namespace Mlops.SagaStore.Repository;

/// <summary>
/// Opens a <see cref="SagaSession{TSaga}"/> per message (or per ops query), records failed attempts in the history, and
/// acknowledges what a saga should not act on: a redelivered message, a message for a finished instance, an event the
/// current state does not handle. Those are counted in <c>mlops_saga_messages_ignored_total</c> and change no row, so saga
/// authors need no <c>Ignore(...)</c> clauses for duplicates and late messages.
/// </summary>
internal sealed class DurableSagaRepositoryContextFactory<TSaga> :
    ISagaRepositoryContextFactory<TSaga>,
    IQuerySagaRepositoryContextFactory<TSaga>,
    ILoadSagaRepositoryContextFactory<TSaga>
    where TSaga : class, ISaga
{
    private readonly DurableSagaStore _store;
    private readonly SagaMap<TSaga> _map;
    private readonly ISagaConsumeContextFactory<SagaSession<TSaga>, TSaga> _factory;
    private readonly SagaStoreMetrics _metrics;
    private readonly ILogger<DurableSagaRepositoryContextFactory<TSaga>> _logger;

    public DurableSagaRepositoryContextFactory(DurableSagaStore store, SagaMap<TSaga> map,
        ISagaConsumeContextFactory<SagaSession<TSaga>, TSaga> factory, SagaStoreMetrics metrics,
        ILogger<DurableSagaRepositoryContextFactory<TSaga>> logger)
    {
        _store = store;
        _map = map;
        _factory = factory;
        _metrics = metrics;
        _logger = logger;
    }

    public void Probe(ProbeContext context)
    {
        context.Add("persistence", "saga-store");
        context.Add("provider", _store.Database.Provider);
        context.Add("table", _map.Table);
    }

    public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class
    {
        var session = NewSession(context);
        try
        {
            await next.Send(new DurableSagaRepositoryContext<TSaga, T>(session, context, _factory));
            Done<T>(session, skippedFinished: 0);
        }
        catch (Exception ex) when (Ignorable(ex, session) is { } reason)
        {
            Ignore<T>(session, reason);
        }
        catch (Exception ex) when (IsFailureWorthRecording(ex, context))
        {
            await session.RecordFailureAsync(context, EventName<T>.Value, ex);
            throw;
        }
    }

    public async Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class
    {
        var session = NewSession(context);
        try
        {
            var found = await session.QueryAsync(query);
            var queryContext = new DurableSagaRepositoryQueryContext<TSaga, T>(new DurableSagaRepositoryContext<TSaga, T>(session, context, _factory), found);
            await next.Send(queryContext);
            Done<T>(session, queryContext.SkippedFinished);
        }
        catch (Exception ex) when (Ignorable(ex, session) is { } reason)
        {
            Ignore<T>(session, reason);
        }
        catch (Exception ex) when (IsFailureWorthRecording(ex, context))
        {
            await session.RecordFailureAsync(context, EventName<T>.Value, ex);
            throw;
        }
    }

    public Task<T> Execute<T>(Func<LoadSagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class =>
        asyncMethod(new DurableSagaQueryContext<TSaga>(new SagaSession<TSaga>(_store, _map, _logger, _metrics, null, cancellationToken), cancellationToken));

    public Task<T> Execute<T>(Func<QuerySagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class =>
        asyncMethod(new DurableSagaQueryContext<TSaga>(new SagaSession<TSaga>(_store, _map, _logger, _metrics, null, cancellationToken), cancellationToken));

    private SagaSession<TSaga> NewSession(ConsumeContext context) =>
        new(_store, _map, _logger, _metrics, context.TryGetPayload<MessageTransaction>(out var transaction) ? transaction : null, context.CancellationToken);

    private static string? Ignorable(Exception exception, SagaSession<TSaga> session) => exception switch
    {
        DuplicateMessageException => SagaStoreMetrics.Duplicate,
        FinishedSagaException => SagaStoreMetrics.Finished,
        // MassTransit wraps the state machine's UnhandledEventException: the state does not take this event.
        NotAcceptedStateMachineException { InnerException: UnhandledEventException } =>
            session.TouchedFinished ? SagaStoreMetrics.Finished : SagaStoreMetrics.Unhandled,
        _ => null,
    };

    private void Ignore<T>(SagaSession<TSaga> session, string reason)
        where T : class
    {
        if (reason == SagaStoreMetrics.Duplicate)
            session.Transaction?.MarkDuplicate();
        else
        {
            // Whatever the handler staged before the state machine refused the event is dropped with it.
            session.Transaction?.Sagas.Clear();
        }
        _metrics.Ignored(_map.Name, EventName<T>.Value, reason);
        _logger.LogDebug("{SagaType} ignored {Event}: {Reason}", _map.Name, EventName<T>.Value, reason);
    }

    private void Done<T>(SagaSession<TSaga> session, int skippedFinished)
        where T : class
    {
        if (skippedFinished > 0 && !session.Wrote)
            _metrics.Ignored(_map.Name, EventName<T>.Value, SagaStoreMetrics.Finished);
        else if (session.FoundNone && !session.Wrote)
            _metrics.Ignored(_map.Name, EventName<T>.Value, SagaStoreMetrics.NoInstance);
        else if (session.Unchanged)
            _metrics.Ignored(_map.Name, EventName<T>.Value, SagaStoreMetrics.Unchanged);
    }

    // Conflicts are retried and cancellations are shutdowns: neither is something the saga did wrong.
    private static bool IsFailureWorthRecording(Exception exception, ConsumeContext context) =>
        exception is not ConcurrencyException && !(exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested);
}
