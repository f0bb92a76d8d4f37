using MassTransit;

namespace Mlops.SagaStore.Tests.Sagas;

/// <summary>A consumer that is not a saga, downstream of the rollout: it writes down every RolloutAdvanced it consumes.</summary>
public sealed class RolloutAdvancedConsumer(RolloutLedger ledger) : IConsumer<RolloutAdvanced>
{
    public Task Consume(ConsumeContext<RolloutAdvanced> context)
    {
        ledger.Entries.Enqueue(new RolloutLedger.Entry(context.Message, context.MessageId, context.ConversationId, context.InitiatorId,
            context.CorrelationId, context.Headers.Get<string>(RolloutAdvanced.HeaderName), context.DestinationAddress));
        return Task.CompletedTask;
    }
}
