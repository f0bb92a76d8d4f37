using MassTransit;
using MassTransit.Context;
using MassTransit.Saga;

namespace Mlops.SagaStore.Repository;

/// <summary>The repository as MassTransit sees it while one message is handled.</summary>
internal sealed class DurableSagaRepositoryContext<TSaga, TMessage> : ConsumeContextScope<TMessage>, SagaRepositoryContext<TSaga, TMessage>
    where TSaga : class, ISaga
    where TMessage : class
{
    private readonly ConsumeContext<TMessage> _consumeContext;
    private readonly SagaSession<TSaga> _session;
    private readonly ISagaConsumeContextFactory<SagaSession<TSaga>, TSaga> _factory;

    public DurableSagaRepositoryContext(SagaSession<TSaga> session, ConsumeContext<TMessage> consumeContext,
        ISagaConsumeContextFactory<SagaSession<TSaga>, TSaga> factory)
        : base(consumeContext, session)
    {
        _session = session;
        _consumeContext = consumeContext;
        _factory = factory;
    }

    public SagaSession<TSaga> Session => _session;

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> consumeContext, TSaga instance,
        SagaConsumeContextMode mode)
        where T : class =>
        _factory.CreateSagaConsumeContext(_session, consumeContext, instance, mode);

    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance)
    {
        _session.Track(instance, null);
        _session.Added();
        return _factory.CreateSagaConsumeContext(_session, _consumeContext, instance, SagaConsumeContextMode.Add);
    }

    public async Task<SagaConsumeContext<TSaga, TMessage>> Insert(TSaga instance)
    {
        if (!await _session.InsertAsync(instance))
            return null!;
        _session.Added();
        return await _factory.CreateSagaConsumeContext(_session, _consumeContext, instance, SagaConsumeContextMode.Insert);
    }

    public async Task<SagaConsumeContext<TSaga, TMessage>> Load(Guid correlationId)
    {
        var (instance, finished) = await _session.LoadAsync(correlationId);
        if (instance is null)
            return null!;
        // Returning nothing would let an initiating event start a second instance; the repository acknowledges it instead.
        if (finished)
            throw new FinishedSagaException();
        return await _factory.CreateSagaConsumeContext(_session, _consumeContext, instance, SagaConsumeContextMode.Load);
    }

    public Task Save(SagaConsumeContext<TSaga> context) => _session.SaveAsync(context.Saga, context, EventName<TMessage>.Value);

    public Task Update(SagaConsumeContext<TSaga> context) => _session.UpdateAsync(context.Saga, context, EventName<TMessage>.Value, finished: false);

    // Finished instances stay (marked finished) for their history; the purger removes them after the configured age.
    public Task Delete(SagaConsumeContext<TSaga> context) => _session.UpdateAsync(context.Saga, context, EventName<TMessage>.Value, finished: true);

    public Task Discard(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<TSaga> context) => Task.CompletedTask;
}
