using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mlops.Testing;

namespace Mlops.ServiceDefaults.Tests.Broker;

/// <summary>The queues of a <see cref="RabbitMqNode"/>'s vhost "/", read through its management API with the node's user.</summary>
public sealed class NodeQueues : IDisposable
{
    private readonly HttpClient _management;

    public NodeQueues(RabbitMqNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        _management = new HttpClient { BaseAddress = node.ManagementUrl };
        _management.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{node.User}:{node.Password}")));
    }

    /// <summary>Messages per queue (ready and unacknowledged), by queue name.</summary>
    public async Task<IReadOnlyDictionary<string, long>> MessagesAsync()
    {
        var queues = await _management.GetFromJsonAsync<JsonElement[]>("api/queues/%2F?columns=name,messages") ?? [];
        return queues.ToDictionary(q => q.GetProperty("name").GetString()!,
            q => q.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt64() : 0);
    }

    /// <summary>The error and skipped queues that hold a message, with their counts: a message that ended there was lost to its flow.</summary>
    public async Task<IReadOnlyDictionary<string, long>> FaultedAsync() =>
        (await MessagesAsync())
            .Where(q => q.Value > 0 && (q.Key.EndsWith("_error", StringComparison.Ordinal) || q.Key.EndsWith("_skipped", StringComparison.Ordinal)))
            .ToDictionary(q => q.Key, q => q.Value);

    public void Dispose() => _management.Dispose();
}
