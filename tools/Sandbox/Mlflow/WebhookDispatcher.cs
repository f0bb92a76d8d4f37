using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Mlflow;

/// <summary>
/// Sends registry events to subscribed webhooks as MLflow 3 does: in the background, signed, retrying 429 and 5xx
/// with exponential backoff, and forgetting undelivered events when the process stops. Unlike MLflow's default it
/// calls loopback http URLs, because that is where the product's receivers listen in tests.
/// </summary>
public sealed class WebhookDispatcher : IAsyncDisposable
{
    private static readonly JsonSerializerOptions s_bodyOptions = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly WebhookRegistry _webhooks;
    private readonly MlflowOptions _options;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly ConcurrentQueue<WebhookDelivery> _deliveries = new();

    public WebhookDispatcher(WebhookRegistry webhooks, MlflowOptions options, TimeProvider time)
    {
        _webhooks = webhooks;
        _options = options;
        _time = time;
        _http = new HttpClient { Timeout = options.WebhookTimeout };
    }

    /// <summary>Every delivery attempt so far, oldest first.</summary>
    public IReadOnlyList<WebhookDelivery> Deliveries => _deliveries.ToArray();

    /// <summary>Queues <paramref name="data"/> for every active webhook subscribed to <paramref name="event"/>.</summary>
    public void Publish(WebhookEvent @event, JsonObject data)
    {
        foreach (var webhook in _webhooks.SubscribedTo(@event))
        {
            var body = Body(@event, data);
            Track(Task.Run(() => DeliverAsync(webhook, @event, body, _stopping.Token)));
        }
    }

    /// <summary>Sends one example event and reports the answer, as MLflow's test endpoint does (no retries).</summary>
    public async Task<JsonObject> TestAsync(Webhook webhook, WebhookEvent @event, CancellationToken cancellationToken)
    {
        var body = Body(@event, ExamplePayload(@event));
        try
        {
            using var response = await SendAsync(webhook, @event, body, attempt: 1, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return new JsonObject
            {
                ["success"] = (int)response.StatusCode < 400,
                ["response_status"] = (int)response.StatusCode,
                ["response_body"] = text,
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return new JsonObject
            {
                ["success"] = false,
                ["error_message"] = $"Failed to test webhook: {ex.Message}",
            };
        }
    }

    private async Task DeliverAsync(Webhook webhook, WebhookEvent @event, string body, CancellationToken cancellationToken)
    {
        var delay = _options.WebhookRetryBaseDelay;
        for (var attempt = 1; attempt <= _options.WebhookMaxRetries + 1; attempt++)
        {
            try
            {
                using var response = await SendAsync(webhook, @event, body, attempt, cancellationToken);
                var status = (int)response.StatusCode;
                if (status != 429 && status < 500)
                    return;
            }
            catch (HttpRequestException)
            {
                // Connection failures are retried like 5xx answers.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A timed-out attempt is retried too.
            }
            if (attempt <= _options.WebhookMaxRetries)
                await Task.Delay(delay, _time, cancellationToken);
            delay *= 2;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(Webhook webhook, WebhookEvent @event, string body, int attempt, CancellationToken cancellationToken)
    {
        var deliveryId = Guid.NewGuid().ToString();
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Content.Headers.ContentType!.CharSet = null;
        request.Headers.Add(WebhookSignature.DeliveryIdHeader, deliveryId);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
        if (!string.IsNullOrEmpty(webhook.Secret))
            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(webhook.Secret, deliveryId, timestamp, body));
        try
        {
            var response = await _http.SendAsync(request, cancellationToken);
            _deliveries.Enqueue(new WebhookDelivery(webhook.WebhookId, @event.ToString(), deliveryId, attempt, (int)response.StatusCode, null, _time.GetUtcNow()));
            return response;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            _deliveries.Enqueue(new WebhookDelivery(webhook.WebhookId, @event.ToString(), deliveryId, attempt, null, ex.Message, _time.GetUtcNow()));
            throw;
        }
    }

    private string Body(WebhookEvent @event, JsonObject data)
    {
        var payload = new JsonObject
        {
            ["entity"] = @event.Entity,
            ["action"] = @event.Action,
            ["timestamp"] = IsoTimestamp(_time.GetUtcNow()),
            ["data"] = data.DeepClone(),
        };
        return payload.ToJsonString(s_bodyOptions);
    }

    // Python's datetime.isoformat(): microseconds only when non-zero, offset as +00:00.
    private static string IsoTimestamp(DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        var micros = (utc.Ticks % TimeSpan.TicksPerSecond) / 10;
        var seconds = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return micros == 0 ? seconds + "+00:00" : $"{seconds}.{micros.ToString("D6", CultureInfo.InvariantCulture)}+00:00";
    }

    private static JsonObject ExamplePayload(WebhookEvent @event) => @event.ToString() switch
    {
        "registered_model.created" => new JsonObject { ["name"] = "example_model", ["tags"] = new JsonObject { ["example_key"] = "example_value" }, ["description"] = "An example registered model" },
        "model_version.created" => new JsonObject
        {
            ["name"] = "example_model",
            ["version"] = "1",
            ["source"] = "models:/123",
            ["run_id"] = "abcd1234abcd5678",
            ["tags"] = new JsonObject { ["example_key"] = "example_value" },
            ["description"] = "An example model version",
        },
        "model_version_tag.set" => new JsonObject { ["name"] = "example_model", ["version"] = "1", ["key"] = "example_key", ["value"] = "example_value" },
        "model_version_tag.deleted" => new JsonObject { ["name"] = "example_model", ["version"] = "1", ["key"] = "example_key" },
        "model_version_alias.created" => new JsonObject { ["name"] = "example_model", ["alias"] = "example_alias", ["version"] = "1" },
        _ => new JsonObject { ["name"] = "example_model", ["alias"] = "example_alias" },
    };

    private void Track(Task task)
    {
        _inFlight.TryAdd(task, 0);
        task.ContinueWith(t => _inFlight.TryRemove(t, out _), TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_inFlight.Keys);
        }
        catch (OperationCanceledException)
        {
            // Undelivered events are dropped on shutdown, as MLflow drops them.
        }
        _http.Dispose();
        _stopping.Dispose();
    }
}
