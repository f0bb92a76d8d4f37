using MassTransit;
using MassTransit.Context;

namespace Mlops.SagaStore.Repository;

/// <summary>A saga consume context that carries its <see cref="TrackedInstance"/> as a payload for deadline activities.</summary>
internal sealed class DurableSagaConsumeContext<TSaga, TMessage> : ConsumeContextScope<TMessage>, SagaConsumeContext<TSaga, TMessage>
    where TSaga : class, ISaga
    where TMessage : class
{
    public DurableSagaConsumeContext(ConsumeContext<TMessage> context, TSaga instance, TrackedInstance tracked)
        : base(context, tracked)
    {
        Saga = instance;
    }

    public override Guid? CorrelationId => Saga.CorrelationId;

    public TSaga Saga { get; }

    public bool IsCompleted { get; private set; }

    public Task SetCompleted()
    {
        IsCompleted = true;
        return Task.CompletedTask;
    }
}
