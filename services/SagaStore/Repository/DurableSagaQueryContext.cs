using MassTransit;
using MassTransit.Middleware;
using MassTransit.Saga;

namespace Mlops.SagaStore.Repository;

/// <summary>Loads and finds saga instances outside a message, for <see cref="ILoadSagaRepository{TSaga}"/> and <see cref="IQuerySagaRepository{TSaga}"/>.</summary>
internal sealed class DurableSagaQueryContext<TSaga> : BasePipeContext, LoadSagaRepositoryContext<TSaga>, QuerySagaRepositoryContext<TSaga>
    where TSaga : class, ISaga
{
    private readonly SagaSession<TSaga> _session;

    public DurableSagaQueryContext(SagaSession<TSaga> session, CancellationToken cancellationToken)
        : base(cancellationToken)
    {
        _session = session;
    }

    // Finished instances too: ops and tests read them like any other.
    public async Task<TSaga> Load(Guid correlationId) => (await _session.LoadAsync(correlationId)).Instance!;

    public async Task<SagaRepositoryQueryContext<TSaga>> Query(ISagaQuery<TSaga> query, CancellationToken cancellationToken = default) =>
        new LoadedSagaRepositoryQueryContext<TSaga>(this, (await _session.QueryAsync(query)).Select(f => f.Instance));
}
