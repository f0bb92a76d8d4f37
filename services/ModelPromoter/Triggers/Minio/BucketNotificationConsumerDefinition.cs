using MassTransit;
using Microsoft.Extensions.Options;

namespace Mlops.ModelPromoter.Triggers.Minio;

/// <summary>
/// The promoter's queue for MinIO's events: bound to the exchange MinIO publishes to, declared with MinIO's type and flags,
/// and read as raw JSON (MinIO's own body, no MassTransit envelope, no message id).
/// </summary>
public sealed class BucketNotificationConsumerDefinition : ConsumerDefinition<BucketNotificationConsumer>
{
    private readonly BucketNotificationSettings _settings;

    public BucketNotificationConsumerDefinition(IOptions<BucketNotificationSettings> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _settings = options.Value;
        Endpoint(e =>
        {
            e.Name = _settings.Queue;
            // MinIO's events are not MassTransit messages: nothing publishes MinioEventNotification to its own exchange.
            e.ConfigureConsumeTopology = false;
        });
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<BucketNotificationConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        endpointConfigurator.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType | RawSerializerOptions.AddTransportHeaders, isDefault: true);
        // Turned off, the queue stays unbound: MinIO's events do not reach it.
        if (_settings.Enabled && endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.Bind(_settings.Exchange, binding =>
            {
                binding.ExchangeType = _settings.ExchangeType;
                binding.Durable = _settings.Durable;
                binding.AutoDelete = _settings.AutoDelete;
                binding.RoutingKey = _settings.RoutingKey;
            });
        }
    }
}
