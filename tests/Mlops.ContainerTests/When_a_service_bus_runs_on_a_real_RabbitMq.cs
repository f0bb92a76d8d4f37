using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Mlops.Contracts;
using Mlops.Testing;

namespace Mlops.ContainerTests;

/// <summary>
/// The messaging every service gets from AddServiceDefaults, against a RabbitMQ of the current release rather than the
/// Debian 3.10 broker the other tiers use.
/// </summary>
public sealed class When_a_service_bus_runs_on_a_real_RabbitMq(ServiceBus bus) : IClassFixture<ServiceBus>
{
    [DockerFact]
    public async Task Should_publish_a_contract_message_and_consume_it_on_the_services_queue()
    {
        var message = new MinioBucketReady { FlowId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow, StackName = "homelab", BucketName = "mlflow" };

        await bus.Services.GetRequiredService<IBus>().Publish(message);

        var seen = bus.Services.GetRequiredService<BucketReadyProbe.Seen>();
        await Eventually.HoldsAsync(() => seen.Messages.Any(m => m.FlowId == message.FlowId), "the probe consumed the published MinioBucketReady");
        Assert.Equal(message, seen.Messages.Single(m => m.FlowId == message.FlowId));
    }

    [DockerFact]
    public async Task Should_declare_the_consumers_queue_under_the_services_name()
    {
        await using var connection = await bus.Broker.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();

        // Passive: fails unless the endpoint's queue exists; the kebab-case name carries the service's prefix.
        var queue = await channel.QueueDeclarePassiveAsync("container-probe-bucket-ready-probe");

        Assert.Equal(1u, queue.ConsumerCount);
    }

    [DockerFact]
    public async Task Should_declare_the_consumers_queue_as_a_quorum_queue_when_asked()
    {
        await using var connection = await bus.Broker.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();

        // Declaring it again as classic must be refused as inequivalent: the broker holds it as a quorum queue.
        var refused = await Assert.ThrowsAnyAsync<RabbitMQ.Client.Exceptions.OperationInterruptedException>(() =>
            channel.QueueDeclareAsync("container-probe-bucket-ready-probe", durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?> { ["x-queue-type"] = "classic" }));
        Assert.Contains("x-queue-type", refused.Message, StringComparison.Ordinal);
    }
}
