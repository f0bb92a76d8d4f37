using MassTransit;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using MassTransit.Transports;

namespace Mlops.SagaStore.Outbox;

/// <summary>
/// Publishes and sends made outside a consumer (the outbox API, the deadline sweeper), captured into outbox records through
/// MassTransit's outbox endpoints instead of going to the broker, so they can be committed with what they belong to.
/// </summary>
internal sealed class OutboxCapture : OutboxSendContext
{
    private readonly IServiceProvider _services;

    public OutboxCapture(IBus bus, IServiceProvider services)
    {
        _services = services;
        Publisher = new PublishEndpoint(new OutboxPublishEndpointProvider(this, bus));
        Sender = new OutboxSendEndpointProvider(this, bus);
    }

    public IPublishEndpoint Publisher { get; }

    public ISendEndpointProvider Sender { get; }

    public List<OutboxRecord> Messages { get; } = [];

    public Task AddSend<T>(SendContext<T> context)
        where T : class
    {
        Messages.Add(OutboxRecord.Capture(context));
        return Task.CompletedTask;
    }

    public object? GetService(Type serviceType) => _services.GetService(serviceType);
}
