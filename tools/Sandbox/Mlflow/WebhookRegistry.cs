namespace Mlops.Sandbox.Mlflow;

/// <summary>The webhooks of the MLflow stand-in (create, list, get, update, delete) with MLflow's validation.</summary>
public sealed class WebhookRegistry
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Func<WebhookUrlPolicy> _urls;
    private readonly List<Webhook> _webhooks = [];

    /// <param name="urls">The URL rules of the server now (an in-cluster MLflow pod brings its own).</param>
    public WebhookRegistry(TimeProvider time, Func<WebhookUrlPolicy> urls)
    {
        _time = time;
        _urls = urls;
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public Webhook Create(string name, string? description, string url, IReadOnlyList<WebhookEvent> events, string? secret, string? status)
    {
        var webhook = new Webhook
        {
            WebhookId = Guid.NewGuid().ToString("N"),
            Name = ValidName(name),
            Description = description ?? "",
            Url = ValidUrl(url),
            Events = ValidEvents(events),
            Secret = secret,
            Status = ValidStatus(status) ?? "ACTIVE",
            CreationTimestamp = Now,
        };
        webhook.LastUpdatedTimestamp = webhook.CreationTimestamp;
        lock (_gate)
            _webhooks.Add(webhook);
        return webhook;
    }

    public IReadOnlyList<Webhook> List()
    {
        lock (_gate)
            return _webhooks.ToList();
    }

    public Webhook Get(string webhookId)
    {
        lock (_gate)
            return _webhooks.FirstOrDefault(w => w.WebhookId == webhookId)
                ?? throw MlflowException.NotFound($"Webhook with ID {webhookId} not found");
    }

    public Webhook Update(string webhookId, string? name, string? description, string? url, IReadOnlyList<WebhookEvent>? events, string? secret, string? status)
    {
        lock (_gate)
        {
            var webhook = Get(webhookId);
            if (name is not null)
                webhook.Name = ValidName(name);
            if (description is not null)
                webhook.Description = description;
            if (url is not null)
                webhook.Url = ValidUrl(url);
            if (events is { Count: > 0 })
                webhook.Events = ValidEvents(events);
            if (secret is not null)
                webhook.Secret = secret;
            if (ValidStatus(status) is { } newStatus)
                webhook.Status = newStatus;
            webhook.LastUpdatedTimestamp = Now;
            return webhook;
        }
    }

    public void Delete(string webhookId)
    {
        lock (_gate)
            _webhooks.Remove(Get(webhookId));
    }

    public IReadOnlyList<Webhook> SubscribedTo(WebhookEvent @event)
    {
        lock (_gate)
            return _webhooks.Where(w => w.IsActive && w.Events.Contains(@event)).ToList();
    }

    private static string ValidName(string name) =>
        string.IsNullOrWhiteSpace(name) ? throw MlflowException.InvalidParameter("Webhook name cannot be empty.") : name;

    private Uri ValidUrl(string url)
    {
        _urls().Validate(url);
        return new Uri(url, UriKind.Absolute);
    }

    private static List<WebhookEvent> ValidEvents(IReadOnlyList<WebhookEvent> events) =>
        events.Count == 0 ? throw MlflowException.InvalidParameter("Webhook events cannot be empty.") : events.Distinct().ToList();

    private static string? ValidStatus(string? status) => status?.ToUpperInvariant() switch
    {
        null => null,
        "ACTIVE" or "DISABLED" => status.ToUpperInvariant(),
        _ => throw MlflowException.InvalidParameter($"Invalid webhook status: '{status}'."),
    };
}
