using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Mlops.Testing;

namespace Mlops.SagaStore.Tests.Processes;

/// <summary>The crash host service run as a child process on a vhost and a store, with quick leases and sweeps.</summary>
public static class CrashHostProcess
{
    public const string Project = "Mlops.SagaStore.CrashHost";

    public static Dictionary<string, string?> Settings(RabbitMqVirtualHost vhost, Dictionary<string, string?> store, string? crashAt = null)
    {
        var settings = new Dictionary<string, string?>(store)
        {
            ["RABBITMQ_URL"] = vhost.AmqpUrl.ToString(),
            ["SagaStore:OutboxLease"] = "00:00:01",
            ["SagaStore:OutboxDispatchInterval"] = "00:00:00.200",
            ["SagaStore:SweepInterval"] = "00:00:00.200",
            ["SagaStore:Testing:CrashAt"] = crashAt,
            // Requests are polled often; their log lines would bury what the tests look for.
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        };
        return settings;
    }

    /// <summary>Publishes a message to the vhost as another service would.</summary>
    public static async Task PublishAsync<T>(RabbitMqVirtualHost vhost, T message)
        where T : class
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(vhost.AmqpUrl));
        await bus.StartAsync();
        try
        {
            await bus.Publish(message);
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    /// <summary>The stored instance of <paramref name="sagaType"/> with <paramref name="id"/>, or null.</summary>
    public static async Task<SagaInstanceRecord?> FindAsync(ServiceProcess service, Guid id, string sagaType)
    {
        using var response = await service.Http.GetAsync(new Uri($"sagas/{id}?type={sagaType}", UriKind.Relative));
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<SagaInstanceRecord>() : null;
    }

    /// <summary>Outbox transactions the service committed and has not delivered yet.</summary>
    public static async Task<int> PendingOutboxAsync(ServiceProcess service) =>
        (await service.Http.GetFromJsonAsync<OutboxBacklog>(new Uri("outbox", UriKind.Relative)))!.Pending;

    public static int Read(SagaInstanceRecord record, string property) => JsonDocument.Parse(record.Data).RootElement.GetProperty(property).GetInt32();
}
