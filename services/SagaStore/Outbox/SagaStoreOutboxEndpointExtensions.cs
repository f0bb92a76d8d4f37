using MassTransit;
using Mlops.SagaStore.Outbox;

namespace Mlops.SagaStore;

/// <summary>Puts the saga store's transactional outbox and inbox on a receive endpoint.</summary>
public static class SagaStoreOutboxEndpointExtensions
{
    /// <summary>
    /// Every consumer and saga of the endpoint then records the consumed message in the inbox and writes what it publishes
    /// or sends to the outbox, in the same transaction as its saga rows; the messages are delivered after the commit.
    /// Call it after the retry filters, so each retry is a new attempt at the whole transaction.
    /// </summary>
    public static void UseSagaStoreOutbox(this IReceiveEndpointConfigurator endpoint, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(context);
        var observer = new SagaStoreOutboxObserver(endpoint, context);
        endpoint.ConnectConsumerConfigurationObserver(observer);
        endpoint.ConnectSagaConfigurationObserver(observer);
    }
}
