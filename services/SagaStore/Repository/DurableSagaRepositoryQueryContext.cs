using System.Collections;
using MassTransit;
using MassTransit.Context;
using MassTransit.Saga;

namespace Mlops.SagaStore.Repository;

/// <summary>
/// The instances a correlation query found. Finished instances count as found (so an initiating event does not start a
/// new one) but are not handed to the saga: a late or repeated trigger for them changes nothing.
/// </summary>
internal sealed class DurableSagaRepositoryQueryContext<TSaga, TMessage> : ConsumeContextProxy<TMessage>, SagaRepositoryQueryContext<TSaga, TMessage>
    where TSaga : class, ISaga
    where TMessage : class
{
    private readonly DurableSagaRepositoryContext<TSaga, TMessage> _repositoryContext;
    private readonly Dictionary<Guid, (TSaga Instance, bool Finished)> _found;

    public DurableSagaRepositoryQueryContext(DurableSagaRepositoryContext<TSaga, TMessage> repositoryContext,
        IReadOnlyList<(TSaga Instance, bool Finished)> found)
        : base(repositoryContext)
    {
        _repositoryContext = repositoryContext;
        _found = found.ToDictionary(f => f.Instance.CorrelationId);
    }

    public int Count => _found.Count;

    /// <summary>Found instances that had finished and were passed over.</summary>
    public int SkippedFinished { get; private set; }

    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance) => _repositoryContext.Add(instance);

    public Task<SagaConsumeContext<TSaga, TMessage>> Insert(TSaga instance) => _repositoryContext.Insert(instance);

    public Task<SagaConsumeContext<TSaga, TMessage>> Load(Guid correlationId)
    {
        if (!_found.TryGetValue(correlationId, out var found))
            return _repositoryContext.Load(correlationId);
        if (found.Finished)
        {
            SkippedFinished++;
            return Task.FromResult<SagaConsumeContext<TSaga, TMessage>>(null!);
        }
        return _repositoryContext.CreateSagaConsumeContext(_repositoryContext, found.Instance, SagaConsumeContextMode.Load);
    }

    public Task Save(SagaConsumeContext<TSaga> context) => _repositoryContext.Save(context);

    public Task Discard(SagaConsumeContext<TSaga> context) => _repositoryContext.Discard(context);

    public Task Undo(SagaConsumeContext<TSaga> context) => _repositoryContext.Undo(context);

    public Task Update(SagaConsumeContext<TSaga> context) => _repositoryContext.Update(context);

    public Task Delete(SagaConsumeContext<TSaga> context) => _repositoryContext.Delete(context);

    public IEnumerator<Guid> GetEnumerator() => _found.Keys.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> consumeContext, TSaga instance, SagaConsumeContextMode mode)
        where T : class =>
        _repositoryContext.CreateSagaConsumeContext(consumeContext, instance, mode);
}
