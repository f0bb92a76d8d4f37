using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mlops.Testing;
using RabbitMQ.Client;

namespace Mlops.Hostile.Tests.Corpus;

/// <summary>
/// Raw traffic on a test vhost, as a foreign publisher sends it, and what landed in a queue, read through the management
/// API (<c>POST /api/queues/{vhost}/{queue}/get</c>, requeued so a later read sees it too).
/// </summary>
public sealed class BrokerQueues(RabbitMqVirtualHost vhost) : IDisposable
{
    private readonly HttpClient _management = Management();

    /// <summary>Publishes <paramref name="body"/> to <paramref name="exchange"/> with the given content type, persistent.</summary>
    public async Task PublishAsync(string exchange, string exchangeType, byte[] body, string contentType, IDictionary<string, object?>? headers = null)
    {
        await using var connection = await new ConnectionFactory { Uri = vhost.AmqpUrl }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, exchangeType, durable: true, autoDelete: false);
        var properties = new BasicProperties { ContentType = contentType, DeliveryMode = DeliveryModes.Persistent, Headers = headers };
        await channel.BasicPublishAsync(exchange, "", mandatory: false, properties, body);
    }

    /// <summary>The messages in <paramref name="queue"/> (left there), each with its MT-Fault-Message header (empty when none).</summary>
    public async Task<IReadOnlyList<(string Fault, string Body)>> PeekAsync(string queue)
    {
        var path = $"api/queues/{Uri.EscapeDataString(vhost.Name)}/{Uri.EscapeDataString(queue)}/get";
        using var response = await _management.PostAsJsonAsync(path, new { count = 1000, ackmode = "ack_requeue_true", encoding = "auto", truncate = 2000 });
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            return [];
        response.EnsureSuccessStatusCode();
        var messages = await response.Content.ReadFromJsonAsync<JsonElement[]>() ?? [];
        return messages.Select(m => (
            m.GetProperty("properties").TryGetProperty("headers", out var h) && h.TryGetProperty("MT-Fault-Message", out var f) ? f.GetString() ?? "" : "",
            m.GetProperty("payload").GetString() ?? "")).ToList();
    }

    /// <summary>The queues bound to <paramref name="exchange"/> (directly or through MassTransit's exchange per queue).</summary>
    public async Task<IReadOnlyList<string>> QueuesOfAsync(string exchange)
    {
        var found = new List<string>();
        var pending = new Queue<string>([exchange]);
        while (pending.TryDequeue(out var source))
        {
            var bindings = await _management.GetFromJsonAsync<JsonElement[]>(
                $"api/exchanges/{Uri.EscapeDataString(vhost.Name)}/{Uri.EscapeDataString(source)}/bindings/source") ?? [];
            foreach (var binding in bindings)
            {
                var destination = binding.GetProperty("destination").GetString()!;
                if (binding.GetProperty("destination_type").GetString() == "queue")
                    found.Add(destination);
                else
                    pending.Enqueue(destination);
            }
        }
        return found;
    }

    public void Dispose() => _management.Dispose();

    private static HttpClient Management()
    {
        var url = TestEnvironment.RabbitMqManagementUrl;
        var client = new HttpClient { BaseAddress = new UriBuilder(url) { UserName = "", Password = "", Path = "/" }.Uri };
        var userInfo = string.IsNullOrEmpty(url.UserInfo) ? "guest:guest" : Uri.UnescapeDataString(url.UserInfo);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(userInfo)));
        return client;
    }
}
