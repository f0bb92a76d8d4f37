using MassTransit;
using MassTransit.Saga;

namespace Mlops.SagaStore.Repository;

/// <summary>Creates the consume context a saga instance is handled in, bound to the session that tracks it.</summary>
internal sealed class DurableSagaConsumeContextFactory<TSaga> : ISagaConsumeContextFactory<SagaSession<TSaga>, TSaga>
    where TSaga : class, ISaga
{
    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(SagaSession<TSaga> context, ConsumeContext<T> consumeContext,
        TSaga instance, SagaConsumeContextMode mode)
        where T : class =>
        Task.FromResult<SagaConsumeContext<TSaga, T>>(
            new DurableSagaConsumeContext<TSaga, T>(consumeContext, instance, context.TrackedFor(instance)));
}
