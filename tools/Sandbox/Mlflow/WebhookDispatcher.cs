using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Mlflow;

/// <summary>
/// Sends registry events to subscribed webhooks as MLflow 3 does: in the background, the URL checked again before each
/// delivery, the headers (delivery id, timestamp, signature) built once per event and sent unchanged on every retry,
/// retries of 429, 500, 502, 503, 504 and connection failures as urllib3's Retry makes them (no wait before the first
/// retry, then exponential backoff with jitter, a <c>Retry-After</c> header honoured), and undelivered events forgotten
/// when the process stops.
/// </summary>
public sealed class WebhookDispatcher : IAsyncDisposable
{
    private static readonly JsonSerializerOptions s_bodyOptions = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // urllib3 Retry's status_forcelist in MLflow's webhook session.
    private static readonly HashSet<int> s_retried = [429, 500, 502, 503, 504];
    private static readonly TimeSpan s_backoffMax = TimeSpan.FromSeconds(60);

    private readonly WebhookRegistry _webhooks;
    private readonly MlflowOptions _options;
    private readonly Func<WebhookUrlPolicy> _urls;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly ConcurrentQueue<WebhookDelivery> _deliveries = new();

    public WebhookDispatcher(WebhookRegistry webhooks, MlflowOptions options, Func<WebhookUrlPolicy> urls, TimeProvider time)
    {
        _webhooks = webhooks;
        _options = options;
        _urls = urls;
        _time = time;
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = options.WebhookTimeout };
    }

    /// <summary>Every delivery attempt so far, oldest first.</summary>
    public IReadOnlyList<WebhookDelivery> Deliveries => _deliveries.ToArray();

    /// <summary>Queues <paramref name="data"/> for every active webhook subscribed to <paramref name="event"/>.</summary>
    public void Publish(WebhookEvent @event, JsonObject data)
    {
        foreach (var webhook in _webhooks.SubscribedTo(@event))
            Track(Task.Run(() => DeliverQuietlyAsync(webhook, @event, data, _stopping.Token)));
    }

    /// <summary>
    /// Sends the example payload MLflow sends for <paramref name="event"/> and reports the final answer, as MLflow's
    /// test endpoint does (through the same retrying session as real deliveries).
    /// </summary>
    public async Task<JsonObject> TestAsync(Webhook webhook, WebhookEvent @event, CancellationToken cancellationToken)
    {
        try
        {
            var (status, body) = await DeliverAsync(webhook, @event, WebhookExamples.PayloadOf(@event), cancellationToken);
            return new JsonObject
            {
                ["success"] = status < 400,
                ["response_status"] = status,
                ["response_body"] = body,
            };
        }
        catch (WebhookDeliveryException ex)
        {
            return new JsonObject
            {
                ["success"] = false,
                ["error_message"] = $"Failed to test webhook: {ex.Message}",
            };
        }
    }

    private async Task DeliverQuietlyAsync(Webhook webhook, WebhookEvent @event, JsonObject data, CancellationToken cancellationToken)
    {
        try
        {
            await DeliverAsync(webhook, @event, data, cancellationToken);
        }
        catch (WebhookDeliveryException)
        {
            // MLflow logs a failed delivery and moves on; the attempts are in Deliveries.
        }
    }

    // One event to one webhook: validated, signed once, then sent and retried with the same headers.
    private async Task<(int Status, string Body)> DeliverAsync(Webhook webhook, WebhookEvent @event, JsonObject data, CancellationToken cancellationToken)
    {
        var deliveryId = Guid.NewGuid().ToString();
        try
        {
            _urls().Validate(webhook.Url.ToString());
        }
        catch (MlflowException ex)
        {
            _deliveries.Enqueue(new WebhookDelivery(webhook.WebhookId, @event.ToString(), deliveryId, 0, null, ex.Message, _time.GetUtcNow()));
            throw new WebhookDeliveryException($"MlflowException('{ex.Message}')");
        }
        var body = Body(@event, data);
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = string.IsNullOrEmpty(webhook.Secret) ? null : WebhookSignature.Sign(webhook.Secret, deliveryId, timestamp, body);
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan? retryAfter = null;
            var failure = "";
            try
            {
                using var response = await SendAsync(webhook, body, deliveryId, timestamp, signature, cancellationToken);
                var status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                _deliveries.Enqueue(new WebhookDelivery(webhook.WebhookId, @event.ToString(), deliveryId, attempt, status, null, _time.GetUtcNow()));
                // With retries used up, urllib3 (raise_on_status=False) hands back the last answer.
                if (!s_retried.Contains(status) || attempt > _options.WebhookMaxRetries)
                    return (status, text);
                retryAfter = RetryAfter(response);
            }
            catch (HttpRequestException ex)
            {
                failure = ex.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failure = $"Read timed out. (read timeout={_options.WebhookTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)})";
            }
            if (failure.Length > 0)
            {
                _deliveries.Enqueue(new WebhookDelivery(webhook.WebhookId, @event.ToString(), deliveryId, attempt, null, failure, _time.GetUtcNow()));
                if (attempt > _options.WebhookMaxRetries)
                    throw new WebhookDeliveryException(
                        $"ConnectionError(MaxRetryError(\"HTTPConnectionPool(host='{webhook.Url.Host}', port={webhook.Url.Port}): Max retries exceeded with url: {webhook.Url.PathAndQuery} (Caused by {failure})\"))");
            }
            await Task.Delay(retryAfter ?? Backoff(attempt), _time, cancellationToken);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(Webhook webhook, string body, string deliveryId, string timestamp, string? signature, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Content.Headers.ContentType!.CharSet = null;
        request.Headers.Add(WebhookSignature.DeliveryIdHeader, deliveryId);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
        if (signature is not null)
            request.Headers.Add(WebhookSignature.SignatureHeader, signature);
        return await _http.SendAsync(request, cancellationToken);
    }

    // urllib3: nothing before the first retry, then factor × 2^(n-1) plus up to the jitter, at most 60 s.
    private TimeSpan Backoff(int failedAttempts)
    {
        if (failedAttempts <= 1)
            return TimeSpan.Zero;
        var backoff = _options.WebhookRetryBaseDelay * Math.Pow(2, failedAttempts - 1) + _options.WebhookRetryJitter * Random.Shared.NextDouble();
        return backoff > s_backoffMax ? s_backoffMax : backoff;
    }

    // Retry-After in seconds or as an HTTP date, as urllib3 reads it.
    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } retryAfter)
            return null;
        if (retryAfter.Delta is { } delta)
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (retryAfter.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
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
