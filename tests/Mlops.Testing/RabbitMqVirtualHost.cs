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

    private RabbitMqVirtualHost(HttpClient management, string name)
    {
        _management = management;
        Name = name;
    }

    public string Name { get; }

    /// <summary>amqp:// URL of this vhost with the test credentials.</summary>
    public Uri AmqpUrl
    {
        get
        {
            var builder = new UriBuilder(TestEnvironment.RabbitMqUrl) { Path = "/" + Uri.EscapeDataString(Name) };
            return builder.Uri;
        }
    }

    public static async Task<RabbitMqVirtualHost> CreateAsync(string prefix = "test")
    {
        var management = CreateManagementClient();
        var name = $"{prefix}-{Guid.NewGuid():N}";
        var user = Uri.UnescapeDataString(TestEnvironment.RabbitMqUrl.UserInfo.Split(':')[0]);
        (await management.PutAsync($"api/vhosts/{Uri.EscapeDataString(name)}", null)).EnsureSuccessStatusCode();
        (await management.PutAsJsonAsync(
            $"api/permissions/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(user)}",
            new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        return new RabbitMqVirtualHost(management, name);
    }

    /// <summary>Client of the management HTTP API with the credentials from RABBITMQ_MANAGEMENT_URL.</summary>
    private static HttpClient CreateManagementClient()
    {
        var url = TestEnvironment.RabbitMqManagementUrl;
        var client = new HttpClient { BaseAddress = new UriBuilder(url) { UserName = "", Password = "", Path = "/" }.Uri };
        var userInfo = string.IsNullOrEmpty(url.UserInfo) ? "guest:guest" : Uri.UnescapeDataString(url.UserInfo);
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
