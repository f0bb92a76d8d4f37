using MassTransit;

namespace Mlops.SagaStore.CrashHost.Parcels;

/// <summary>Reads raw JSON bound to the scanners' fanout exchange, the way the MinIO event endpoint will.</summary>
public sealed class ParcelScanConsumerDefinition : ConsumerDefinition<ParcelScanConsumer>
{
    public const string Exchange = "crash-host-parcel-scans";

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<ParcelScanConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: true);
        endpointConfigurator.ConfigureConsumeTopology = false;
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
            rabbit.Bind(Exchange, exchange => exchange.ExchangeType = "fanout");
    }
}
