using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Mlops.Testing;

/// <summary>
/// A throwaway vhost on the real broker, so each test class sees only its own exchanges, queues and connections.
/// </summary>
public sealed class RabbitMqVirtualHost : IAsyncDisposable
{
    private readonly HttpClient _management;
    private readonly Uri _broker;

    private RabbitMqVirtualHost(HttpClient management, Uri broker, string name)
    {
        _management = management;
        _broker = broker;
        Name = name;
    }

    public string Name { get; }

    /// <summary>amqp:// URL of this vhost with the test credentials.</summary>
    public Uri AmqpUrl
    {
        get
        {
            var builder = new UriBuilder(_broker) { Path = "/" + Uri.EscapeDataString(Name) };
            return builder.Uri;
        }
    }

    /// <summary>A vhost on the shared broker, or on <paramref name="node"/> (a node of the test's own, e.g. one to restart).</summary>
    public static async Task<RabbitMqVirtualHost> CreateAsync(string prefix = "test", RabbitMqNode? node = null)
    {
        var management = node is null ? CreateManagementClient() : CreateManagementClient(node.ManagementUrl, $"{node.User}:{node.Password}");
        var broker = node?.AmqpUrl ?? TestEnvironment.RabbitMqUrl;
        var name = $"{prefix}-{Guid.NewGuid():N}";
        var user = Uri.UnescapeDataString(broker.UserInfo.Split(':')[0]);
        (await management.PutAsync($"api/vhosts/{Uri.EscapeDataString(name)}", null)).EnsureSuccessStatusCode();
        (await management.PutAsJsonAsync(
            $"api/permissions/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(user)}",
            new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        return new RabbitMqVirtualHost(management, broker, name);
    }

    /// <summary>Client of the management HTTP API with the credentials from RABBITMQ_MANAGEMENT_URL.</summary>
    private static HttpClient CreateManagementClient()
    {
        var url = TestEnvironment.RabbitMqManagementUrl;
        return CreateManagementClient(url, string.IsNullOrEmpty(url.UserInfo) ? "guest:guest" : Uri.UnescapeDataString(url.UserInfo));
    }

    private static HttpClient CreateManagementClient(Uri url, string userInfo)
    {
        var client = new HttpClient { BaseAddress = new UriBuilder(url) { UserName = "", Password = "", Path = "/" }.Uri };
        client.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(userInfo)));
        return client;
    }

    /// <summary>GETs <c>/api/{path}</c> scoped to this vhost, e.g. "queues", "exchanges", "connections".</summary>
    public async Task<JsonElement[]> ListAsync(string what)
    {
        var path = what == "connections" ? "api/connections" : $"api/{what}/{Uri.EscapeDataString(Name)}";
        var items = await _management.GetFromJsonAsync<JsonElement[]>(path) ?? [];
        return what == "connections"
            ? items.Where(c => c.TryGetProperty("vhost", out var v) && v.GetString() == Name).ToArray()
            : items;
    }

    /// <summary>
    /// Turns RabbitMQ's firehose on for this vhost: from now on the broker copies every message published in it to
    /// <c>amq.rabbitmq.trace</c> (routing key <c>publish.&lt;exchange&gt;</c>), properties included.
    /// </summary>
    public async Task TraceAsync()
    {
        using var answer = await _management.PutAsJsonAsync($"api/vhosts/{Uri.EscapeDataString(Name)}", new { tracing = true });
        answer.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        using (_management)
            await _management.DeleteAsync($"api/vhosts/{Uri.EscapeDataString(Name)}");
    }
}
