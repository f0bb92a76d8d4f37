using MassTransit;
using MassTransit.Configuration;
using MassTransit.DependencyInjection;
using MassTransit.Middleware;

namespace Mlops.SagaStore.Outbox;

/// <summary>
/// Puts MassTransit's <see cref="OutboxConsumeFilter{TContext,TMessage}"/> over the saga store in front of every consumer and
/// saga message of an endpoint, as MassTransit's own transactional outboxes do, with one inbox id per consumer and endpoint.
/// </summary>
internal sealed class SagaStoreOutboxObserver(IReceiveEndpointConfigurator endpoint, IRegistrationContext context)
    : IConsumerConfigurationObserver, ISagaConfigurationObserver
{
    /// <summary>Messages sent per delivery pass of one transaction; more go out in further passes.</summary>
    public const int MessageDeliveryLimit = 100;

    /// <summary>How long one message may take to be confirmed before the rest is left to the dispatcher.</summary>
    public static readonly TimeSpan MessageDeliveryTimeout = TimeSpan.FromSeconds(10);

    private readonly string _endpointName = EndpointName(endpoint.InputAddress);

    public void ConsumerConfigured<TConsumer>(IConsumerConfigurator<TConsumer> configurator)
        where TConsumer : class
    {
    }

    public void ConsumerMessageConfigured<TConsumer, TMessage>(IConsumerMessageConfigurator<TConsumer, TMessage> configurator)
        where TConsumer : class
        where TMessage : class
    {
        if (configurator is not IConsumerMessageConfigurator<TMessage> messageConfigurator)
            throw new ConfigurationException($"The saga store outbox cannot be added to {typeof(TConsumer).Name} for {typeof(TMessage).Name}.");
        Add<TConsumer, TMessage>(messageConfigurator, sagaReadsInbox: false);
    }

    public void SagaConfigured<TSaga>(ISagaConfigurator<TSaga> configurator)
        where TSaga : class, ISaga
    {
    }

    public void StateMachineSagaConfigured<TInstance>(ISagaConfigurator<TInstance> configurator, SagaStateMachine<TInstance> stateMachine)
        where TInstance : class, ISaga, SagaStateMachineInstance
    {
    }

    public void SagaMessageConfigured<TSaga, TMessage>(ISagaMessageConfigurator<TSaga, TMessage> configurator)
        where TSaga : class, ISaga
        where TMessage : class
    {
        if (configurator is not ISagaMessageConfigurator<TMessage> messageConfigurator)
            throw new ConfigurationException($"The saga store outbox cannot be added to {typeof(TSaga).Name} for {typeof(TMessage).Name}.");
        Add<TSaga, TMessage>(messageConfigurator, sagaReadsInbox: true);
    }

    private void Add<T, TMessage>(IPipeConfigurator<ConsumeContext<TMessage>> configurator, bool sagaReadsInbox)
        where T : class
        where TMessage : class
    {
        var options = new SagaStoreOutboxOptions
        {
            ConsumerId = MessageIdentity.ForConsumer(_endpointName, typeof(T)),
            ConsumerType = typeof(T).Name,
            MessageDeliveryLimit = MessageDeliveryLimit,
            MessageDeliveryTimeout = MessageDeliveryTimeout,
            SagaReadsInbox = sagaReadsInbox,
        };
        var filter = new OutboxConsumeFilter<DurableSagaStore, TMessage>(new ConsumeScopeProvider(context), options);
        configurator.AddPipeSpecification(new FilterPipeSpecification<ConsumeContext<TMessage>>(filter));
    }

    private static string EndpointName(Uri inputAddress) =>
        inputAddress.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? inputAddress.ToString();
}
