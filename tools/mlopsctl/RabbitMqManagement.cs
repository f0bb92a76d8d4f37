using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Mlops.Ctl;

/// <summary>
/// RabbitMQ's management HTTP API, as <c>errors</c> uses it: queues of a vhost, a peek that requeues, dynamic shovels.
/// Every failure becomes a message and an exit code, as <see cref="OpsClient"/> does for the services.
/// </summary>
public sealed class RabbitMqManagement : IDisposable
{
    private readonly HttpClient _http;

    public RabbitMqManagement(RabbitMqManagementSettings settings, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var root = settings.Url.AbsoluteUri.EndsWith('/') ? settings.Url : new Uri(settings.Url.AbsoluteUri + "/");
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = root;
        _http.Timeout = TimeSpan.FromSeconds(30);
        var user = settings.User ?? throw new CtlException(CtlExit.BadUsage,
            "No RabbitMQ user: give --rabbitmq-user, MLOPS_RABBITMQ_USER, rabbitmq.user in the config file, or rabbitmq-user in .run/secrets.");
        var password = settings.Password ?? throw new CtlException(CtlExit.BadUsage,
            "No RabbitMQ password: give --rabbitmq-password, MLOPS_RABBITMQ_PASSWORD, rabbitmq.password in the config file, or rabbitmq-password in .run/secrets.");
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
    }

    /// <summary>Every queue of <paramref name="vhost"/> with its name and message count; an unknown vhost is a failure.</summary>
    public async Task<IReadOnlyList<(string Name, long Messages)>> QueuesAsync(string vhost, CancellationToken cancellationToken)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, $"api/queues/{Escape(vhost)}?columns=name,messages", null, cancellationToken);
        if (status == HttpStatusCode.NotFound)
            throw new CtlException(CtlExit.Failed, $"RabbitMQ has no vhost '{vhost}'.");
        Expect(status, HttpStatusCode.OK, body, $"listing the queues of '{vhost}'");
        return body.EnumerateArray()
            .Select(q => (q.GetProperty("name").GetString()!, q.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt64() : 0))
            .ToList();
    }

    /// <summary>The queue's details, or null when there is no such queue.</summary>
    public async Task<JsonElement?> QueueAsync(string vhost, string queue, CancellationToken cancellationToken)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, $"api/queues/{Escape(vhost)}/{Escape(queue)}", null, cancellationToken);
        if (status == HttpStatusCode.NotFound)
            return null;
        Expect(status, HttpStatusCode.OK, body, $"reading queue '{queue}'");
        return body;
    }

    /// <summary>The message at the head of the queue, taken and requeued at once (<c>ack_requeue_true</c>): nothing is lost.</summary>
    public async Task<JsonElement?> PeekAsync(string vhost, string queue, CancellationToken cancellationToken)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, $"api/queues/{Escape(vhost)}/{Escape(queue)}/get",
            new { count = 1, ackmode = "ack_requeue_true", encoding = "auto", truncate = 50_000 }, cancellationToken);
        Expect(status, HttpStatusCode.OK, body, $"peeking into '{queue}'");
        return body.GetArrayLength() == 0 ? null : body[0];
    }

    /// <summary>Creates (or replaces) the dynamic shovel <paramref name="name"/> in <paramref name="vhost"/>.</summary>
    public async Task PutShovelAsync(string vhost, string name, object value, CancellationToken cancellationToken)
    {
        var (status, body) = await SendAsync(HttpMethod.Put, $"api/parameters/shovel/{Escape(vhost)}/{Escape(name)}", new { value }, cancellationToken);
        if (status is not (HttpStatusCode.Created or HttpStatusCode.NoContent))
            Expect(status, HttpStatusCode.Created, body, $"creating shovel '{name}'");
    }

    /// <summary>True while the shovel's parameter exists (a shovel with <c>src-delete-after</c> removes it when done).</summary>
    public async Task<bool> ShovelExistsAsync(string vhost, string name, CancellationToken cancellationToken)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, $"api/parameters/shovel/{Escape(vhost)}/{Escape(name)}", null, cancellationToken);
        if (status == HttpStatusCode.NotFound)
            return false;
        Expect(status, HttpStatusCode.OK, body, $"reading shovel '{name}'");
        return true;
    }

    /// <summary>The shovel's state as the shovel plugin reports it (<c>running</c>, <c>terminated</c> with a reason…), or null.</summary>
    public async Task<JsonElement?> ShovelStatusAsync(string vhost, string name, CancellationToken cancellationToken)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, $"api/shovels/{Escape(vhost)}", null, cancellationToken);
        if (status == HttpStatusCode.NotFound)
            throw new CtlException(CtlExit.Failed, "RabbitMQ's shovel plugins are not enabled (rabbitmq-plugins enable rabbitmq_shovel rabbitmq_shovel_management).");
        Expect(status, HttpStatusCode.OK, body, "reading the shovels");
        foreach (var shovel in body.EnumerateArray())
        {
            if (shovel.TryGetProperty("name", out var n) && n.GetString() == name)
                return shovel;
        }
        return null;
    }

    public async Task DeleteShovelAsync(string vhost, string name, CancellationToken cancellationToken) =>
        await SendAsync(HttpMethod.Delete, $"api/parameters/shovel/{Escape(vhost)}/{Escape(name)}", null, cancellationToken);

    public void Dispose() => _http.Dispose();

    private static string Escape(string value) => Uri.EscapeDataString(value);

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new CtlException(CtlExit.Unreachable, $"RabbitMQ's management API at {_http.BaseAddress} cannot be reached: {ex.HttpRequestError} ({ex.Message})");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CtlException(CtlExit.Unreachable, $"RabbitMQ's management API at {_http.BaseAddress} did not answer within {_http.Timeout.TotalSeconds:0} s.");
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.Unauthorized)
                throw new CtlException(CtlExit.BadUsage, $"RabbitMQ's management API refused the user and password; give them with --rabbitmq-user and MLOPS_RABBITMQ_PASSWORD.");
            if ((int)response.StatusCode >= 500)
                throw new CtlException(CtlExit.Unreachable, $"RabbitMQ's management API answered {(int)response.StatusCode}.");
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonElement json = default;
            if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType == "application/json")
            {
                try
                {
                    json = JsonSerializer.Deserialize<JsonElement>(text);
                }
                catch (JsonException)
                {
                    throw new CtlException(CtlExit.Unreachable, $"{_http.BaseAddress} answered with a body that is not JSON: is it RabbitMQ's management API?");
                }
            }
            return (response.StatusCode, json);
        }
    }

    private static void Expect(HttpStatusCode status, HttpStatusCode expected, JsonElement body, string what)
    {
        if (status == expected)
            return;
        var reason = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("reason", out var r) ? r.ToString() : "no reason given";
        throw new CtlException(status == HttpStatusCode.BadRequest ? CtlExit.BadUsage : CtlExit.Failed,
            $"RabbitMQ answered {(int)status} {what}: {reason}");
    }
}
