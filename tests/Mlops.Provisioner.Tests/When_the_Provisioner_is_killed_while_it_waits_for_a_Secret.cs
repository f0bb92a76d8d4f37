using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using MassTransit.Serialization;
using Mlops.Contracts;
using Mlops.Provisioner.Tests.Testbed;
using Mlops.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Mlops.Provisioner.Tests;

/// <summary>
/// The Provisioner as a real process, SIGKILLed while the secrets step waits for a Secret someone else makes, and started
/// again on the same store: the wait goes on from the store's deadline and the stack becomes ready once.
/// </summary>
public sealed class When_the_Provisioner_is_killed_while_it_waits_for_a_Secret : IAsyncLifetime
{
    private ProvisionerTestbed _testbed = null!;

    public async Task InitializeAsync() => _testbed = await ProvisionerTestbed.StartAsync(startHost: false);

    public async Task DisposeAsync() => await _testbed.DisposeAsync();

    [Fact]
    public async Task Should_become_ready_once_after_a_restart()
    {
        var settings = new Dictionary<string, string?>(_testbed.Settings)
        {
            ["RABBITMQ_URL"] = _testbed.Vhost.AmqpUrl.ToString(),
            ["Provisioner:SecretTimeout"] = "00:02:00",
        };
        using var bus = await TestBus.ConnectAsync(_testbed.Vhost.AmqpUrl);
        await using var service = await ServiceProcess.StartAsync("Mlops.Provisioner", settings);
        // The homelab stack whose credentials Secret has no SealedSecret: someone else makes it, and the step waits for it.
        // Sent once: a stack file would be sent again at the restart, and a ready stack provisioned again is announced again.
        var homelab = ProvisionerTestbed.StackFromFile();
        await bus.PublishAsync(homelab with { Secrets = [.. homelab.Secrets.Where(s => s.Name != "minio-credentials")] });

        await Eventually.HoldsAsync(async () => await PendingAttemptsAsync() >= 2, "the secrets step waiting for mlflow/minio-credentials");
        await service.KillAsync();
        await _testbed.Kubernetes.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "minio-credentials" },
            StringData = new Dictionary<string, string>
            {
                ["AWS_ACCESS_KEY_ID"] = ProvisionerTestbed.PodsAccessKey,
                ["AWS_SECRET_ACCESS_KEY"] = ProvisionerTestbed.PodsSecretKey,
            },
        }, "mlflow");
        await service.RestartAsync();

        await Eventually.HoldsAsync(async () => await StateAsync() == "Ready", "the stack ready after the restart", TimeSpan.FromSeconds(60));
        await Eventually.HoldsAsync(() => !bus.Received.IsEmpty, "StackReady on the bus");
        Assert.Single(bus.Received);
        using var ready = JsonDocument.Parse(bus.Received.Single());
        Assert.Equal("homelab", ready.RootElement.GetProperty("message").GetProperty("stackName").GetString());
        // Published by one committed transition only: the one StackReady in the outbox is the one that arrived.
        Assert.Equal([ready.RootElement.GetProperty("messageId").GetGuid()], await StackReadyInOutboxAsync());
        await using var connection = _testbed.Store.Connect();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM saga_history WHERE to_state = 'Ready'";
        Assert.Equal(1L, (long)(await command.ExecuteScalarAsync())!);
    }

    private async Task<string?> StateAsync()
    {
        await using var connection = _testbed.Store.Connect();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT state FROM saga_stack_state";
        return await command.ExecuteScalarAsync() as string;
    }

    private async Task<IReadOnlyList<Guid>> StackReadyInOutboxAsync()
    {
        await using var connection = _testbed.Store.Connect();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT messages FROM saga_outbox";
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            using var messages = JsonDocument.Parse(reader.GetString(0));
            ids.AddRange(messages.RootElement.EnumerateArray()
                .Where(m => m.GetProperty("MessageType").GetString()!.Split(';').Contains("urn:message:Mlops.Contracts:StackReady"))
                .Select(m => m.GetProperty("MessageId").GetGuid()));
        }
        return ids;
    }

    private async Task<int> PendingAttemptsAsync()
    {
        await using var connection = _testbed.Store.Connect();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT data FROM saga_stack_state WHERE state = 'ProvisioningSecrets'";
        if (await command.ExecuteScalarAsync() is not string data)
            return 0;
        using var json = JsonDocument.Parse(data);
        return json.RootElement.TryGetProperty("PendingStep", out var pending) && pending.ValueKind == JsonValueKind.Object
            ? pending.GetProperty("Attempts").GetInt32()
            : 0;
    }

    /// <summary>
    /// The test's own end of the bus: publishes a command as MassTransit's envelope to the message type's exchange, and
    /// keeps every StackReady from a queue of its own bound to that type's exchange, as another service's would be.
    /// </summary>
    private sealed class TestBus(IConnection connection, IChannel channel) : IDisposable
    {
        public ConcurrentQueue<string> Received { get; } = new();

        public async Task PublishAsync(ProvisionStack message)
        {
            const string exchange = "Mlops.Contracts:ProvisionStack";
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
            var envelope = new
            {
                messageId = Guid.NewGuid(),
                messageType = new[] { "urn:message:" + exchange },
                sentTime = DateTimeOffset.UtcNow,
                message = message with { FlowId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow },
            };
            var body = JsonSerializer.SerializeToUtf8Bytes(envelope, SystemTextJsonMessageSerializer.Options);
            var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", DeliveryMode = DeliveryModes.Persistent };
            await channel.BasicPublishAsync(exchange, "", mandatory: false, properties, body);
        }

        public static async Task<TestBus> ConnectAsync(Uri amqp)
        {
            var connection = await new ConnectionFactory { Uri = amqp }.CreateConnectionAsync();
            var channel = await connection.CreateChannelAsync();
            await channel.ExchangeDeclareAsync("Mlops.Contracts:StackReady", ExchangeType.Fanout, durable: true, autoDelete: false);
            var queue = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
            await channel.QueueBindAsync(queue.QueueName, "Mlops.Contracts:StackReady", "");
            var listening = new TestBus(connection, channel);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, delivery) =>
            {
                listening.Received.Enqueue(Encoding.UTF8.GetString(delivery.Body.Span));
                return Task.CompletedTask;
            };
            await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
            return listening;
        }

        public void Dispose()
        {
            channel.Dispose();
            connection.Dispose();
        }
    }
}
