using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mlops.Contracts;
using Mlops.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Mlops.ServiceDefaults.Tests;

/// <summary>The pipeline AddServiceDefaults puts on every endpoint, seen through consumers registered as a service registers them.</summary>
public sealed class EndpointPipelineTests : IAsyncLifetime
{
    private RabbitMqVirtualHost _vhost = null!;
    private WebApplication _app = null!;
    private SqliteStoreFile _store = null!;

    public async Task InitializeAsync()
    {
        _vhost = await RabbitMqVirtualHost.CreateAsync("pipeline");
        _store = SqliteStoreFile.Create("mlops-pipeline");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = "Mlops.PipelineProbe" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["RABBITMQ_URL"] = _vhost.AmqpUrl.ToString();
        foreach (var (key, value) in _store.Settings())
            builder.Configuration[key] = value;
        builder.AddServiceDefaults(bus =>
        {
            bus.AddConsumer<PipelineProbe.FlakyDependencyConsumer>();
            bus.AddConsumer<PipelineProbe.BadInputConsumer>();
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IMeterFactory>(ProcessMeterFactory.Instance);
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        _app = builder.Build();
        _app.MapDefaultEndpoints();
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _vhost.DisposeAsync();
        await _store.DisposeAsync();
    }

    [Fact]
    public async Task Should_retry_a_transient_failure_until_the_consumer_succeeds()
    {
        var flowId = Guid.NewGuid();
        await _app.Services.GetRequiredService<IBus>().Publish(new SecretsReady { FlowId = flowId, OccurredAt = DateTimeOffset.UtcNow, StackName = "homelab", Namespace = "mlops" });

        await Eventually.HoldsAsync(() => PipelineProbe.Count(nameof(PipelineProbe.FlakyDependencyConsumer), flowId) == 3, "two timeouts retried, third attempt done");
        Assert.Equal(0u, await MessagesInAsync("pipeline-probe-flaky-dependency_error"));
    }

    [Fact]
    public async Task Should_send_bad_input_to_the_error_queue_at_once_and_publish_nothing_from_the_failed_attempt()
    {
        // Bound before the failure, so an event that escaped the outbox would wait here.
        var escaped = await DeclareQueueBoundToAsync("Mlops.Contracts:StackReady");
        var flowId = Guid.NewGuid();
        await _app.Services.GetRequiredService<IBus>().Publish(new StackProvisioningFailed { FlowId = flowId, OccurredAt = DateTimeOffset.UtcNow, StackName = "Home_Lab", Step = "namespace", Reason = "bad name" });

        await Eventually.HoldsAsync(async () => await MessagesInAsync("pipeline-probe-bad-input_error") == 1, "the message in the error queue");
        Assert.Equal(1, PipelineProbe.Count(nameof(PipelineProbe.BadInputConsumer), flowId));
        Assert.Equal(0u, await MessagesInAsync(escaped));
    }

    /// <summary>Messages waiting in a queue; MassTransit creates an error queue with its first message, so none is zero.</summary>
    private async Task<uint> MessagesInAsync(string queue)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
        {
            return 0;
        }
    }

    private async Task<string> DeclareQueueBoundToAsync(string exchange)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true);
        var queue = $"pipeline-escaped-{Guid.NewGuid():N}";
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(queue, exchange, "");
        return queue;
    }

    private Task<IConnection> ConnectAsync() => new ConnectionFactory { Uri = _vhost.AmqpUrl }.CreateConnectionAsync();
}
