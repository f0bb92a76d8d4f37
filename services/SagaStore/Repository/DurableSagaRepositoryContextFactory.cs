using MassTransit;
using MassTransit.Saga;
using Microsoft.Extensions.Logging;
using Mlops.SagaStore.Mapping;

namespace Mlops.SagaStore.Repository;

/// <summary>Opens a <see cref="SagaSession{TSaga}"/> per message (or per ops query) and records failed attempts in the history.</summary>
internal sealed class DurableSagaRepositoryContextFactory<TSaga> :
    ISagaRepositoryContextFactory<TSaga>,
    IQuerySagaRepositoryContextFactory<TSaga>,
    ILoadSagaRepositoryContextFactory<TSaga>
    where TSaga : class, ISaga
{
    private readonly DurableSagaStore _store;
    private readonly SagaMap<TSaga> _map;
    private readonly ISagaConsumeContextFactory<SagaSession<TSaga>, TSaga> _factory;
    private readonly ILogger<DurableSagaRepositoryContextFactory<TSaga>> _logger;

    public DurableSagaRepositoryContextFactory(DurableSagaStore store, SagaMap<TSaga> map,
        ISagaConsumeContextFactory<SagaSession<TSaga>, TSaga> factory, ILogger<DurableSagaRepositoryContextFactory<TSaga>> logger)
    {
        _store = store;
        _map = map;
        _factory = factory;
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
        var session = NewSession(context.CancellationToken);
        try
        {
            await next.Send(new DurableSagaRepositoryContext<TSaga, T>(session, context, _factory));
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
        var session = NewSession(context.CancellationToken);
        try
        {
            var instances = await session.QueryAsync(query);
            var repositoryContext = new DurableSagaRepositoryContext<TSaga, T>(session, context, _factory);
            await next.Send(new LoadedSagaRepositoryQueryContext<TSaga, T>(repositoryContext, instances));
        }
        catch (Exception ex) when (IsFailureWorthRecording(ex, context))
        {
            await session.RecordFailureAsync(context, EventName<T>.Value, ex);
            throw;
        }
    }

    public Task<T> Execute<T>(Func<LoadSagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class =>
        asyncMethod(new DurableSagaQueryContext<TSaga>(NewSession(cancellationToken), cancellationToken));

    public Task<T> Execute<T>(Func<QuerySagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class =>
        asyncMethod(new DurableSagaQueryContext<TSaga>(NewSession(cancellationToken), cancellationToken));

    private SagaSession<TSaga> NewSession(CancellationToken cancellationToken) => new(_store, _map, _logger, cancellationToken);

    // Conflicts are retried and cancellations are shutdowns: neither is something the saga did wrong.
    private static bool IsFailureWorthRecording(Exception exception, ConsumeContext context) =>
        exception is not ConcurrencyException && !(exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested);
}
