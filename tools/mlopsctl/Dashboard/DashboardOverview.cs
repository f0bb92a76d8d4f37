using System.Net;
using System.Text.Json;

namespace Mlops.Ctl.Dashboard;

/// <summary>
/// What the page shows, gathered at each poll from the services' ops APIs (with the token, server-side) and RabbitMQ's
/// management API. Every section carries its own errors, so a service that is down or refuses the token leaves the others shown.
/// </summary>
internal sealed class DashboardOverview : IDisposable
{
    /// <summary>How many flows are shown as timelines: the ones with the most recent changes.</summary>
    public const int FlowsShown = 6;

    /// <summary>How long one poll waits for a service before showing it as not answering.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    private const string Promoter = "model-promoter";

    private readonly IReadOnlyList<OpsClient> _services;
    private readonly RabbitMqManagement? _management;
    private readonly string? _managementProblem;
    private readonly Uri? _managementUrl;
    private readonly string _vhost;

    public DashboardOverview(IReadOnlyList<OpsClient> services, RabbitMqManagementSettings? management, string vhost)
    {
        _services = services;
        _vhost = vhost;
        _managementUrl = management?.Url;
        if (management is null)
        {
            _managementProblem = "No RabbitMQ management URL is configured (--rabbitmq-management-url, MLOPS_RABBITMQ_MANAGEMENT_URL, the config file or .run/endpoints).";
            return;
        }
        try
        {
            _management = new RabbitMqManagement(management);
        }
        catch (CtlException ex)
        {
            _managementProblem = ex.Message;
        }
    }

    /// <summary>The services the dashboard calls, by name.</summary>
    public IReadOnlyList<OpsClient> Services => _services;

    public async Task<object> SnapshotAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CallTimeout);
        var token = timeout.Token;
        var pages = await Task.WhenAll(_services.Select(async s => (Service: s, Answer: await GetAsync(s, "ops/sagas", cancellationToken, token))));
        var sagas = pages.Where(p => p.Answer.Body is not null)
            .SelectMany(p => p.Answer.Body!.Value.GetProperty("items").EnumerateArray().Select(saga => (p.Service.Service, Saga: saga)))
            .ToList();
        var promoter = _services.FirstOrDefault(s => s.Service == Promoter);

        var flows = FlowsAsync(sagas, cancellationToken, token);
        var approvals = PromoterAsync(promoter, "ops/promotions?state=WaitingForApproval", cancellationToken, token);
        var models = PromoterAsync(promoter, "ops/models", cancellationToken, token);
        var triggers = PromoterAsync(promoter, "ops/triggers", cancellationToken, token);
        var queues = QueuesAsync(cancellationToken, token);
        await Task.WhenAll(flows, approvals, models, triggers, queues);

        return new
        {
            generatedAt = DateTimeOffset.UtcNow,
            services = pages.Select(p => new { name = p.Service.Service, error = p.Answer.Error }),
            failed = new
            {
                items = sagas.Where(s => s.Saga.TryGetProperty("failed", out var failed) && failed.ValueKind == JsonValueKind.Object)
                    .OrderByDescending(s => ChangedAt(s.Saga))
                    .Select(s => new { service = s.Service, saga = s.Saga }),
                errors = pages.Where(p => p.Answer.Error is not null).Select(p => new { service = p.Service.Service, message = p.Answer.Error }),
            },
            flows = await flows,
            approvals = await approvals,
            models = await models,
            triggers = await triggers,
            queues = await queues,
        };
    }

    /// <summary>Sends a command the page asked for (a replay, an approval) to <paramref name="service"/>; the answer's status and a line for people.</summary>
    public async Task<(HttpStatusCode Status, string Message, JsonElement Body)> SendAsync(string service, string path, CancellationToken cancellationToken)
    {
        var client = _services.FirstOrDefault(s => s.Service == service);
        if (client is null)
            return (HttpStatusCode.NotFound, $"The dashboard has no URL for {service}.", default);
        try
        {
            var (status, body) = await client.SendAsync(HttpMethod.Post, path, null, cancellationToken);
            var message = (int)status is >= 200 and < 300
                ? body.TryGetProperty("duplicate", out var duplicate) && duplicate.ValueKind == JsonValueKind.True
                    ? $"{service} had this request already; nothing more was sent."
                    : $"{service} accepted it ({(int)status})."
                : $"{service} answered {(int)status}: {OpsClient.Detail(body)}";
            return (status, message, body);
        }
        catch (CtlException ex)
        {
            return (HttpStatusCode.BadGateway, ex.Message, default);
        }
    }

    private async Task<object> FlowsAsync(List<(string Service, JsonElement Saga)> sagas, CancellationToken aborted, CancellationToken token)
    {
        var ids = sagas.Where(s => s.Saga.TryGetProperty("flowId", out var flow) && flow.ValueKind == JsonValueKind.String)
            .Select(s => (Flow: s.Saga.GetProperty("flowId").GetGuid(), At: ChangedAt(s.Saga)))
            .Where(f => f.Flow != Guid.Empty)
            .GroupBy(f => f.Flow)
            .OrderByDescending(g => g.Max(f => f.At))
            .Take(FlowsShown)
            .Select(g => g.Key)
            .ToList();
        var errors = new List<object>();
        var items = new List<object>();
        foreach (var flow in ids)
        {
            var parts = await Task.WhenAll(_services.Select(async s => (s.Service, Answer: await GetAsync(s, $"ops/flows/{flow}", aborted, token))));
            var flowSagas = new List<object>();
            var timeline = new List<(DateTimeOffset At, object Line)>();
            foreach (var (service, answer) in parts)
            {
                if (answer.Body is not { } part)
                {
                    errors.Add(new { service, flowId = flow, message = answer.Error });
                    continue;
                }
                flowSagas.AddRange(part.GetProperty("sagas").EnumerateArray().Select(saga => new { service, saga }));
                timeline.AddRange(part.GetProperty("timeline").EnumerateArray()
                    .Select(line => (Time(line, "at") ?? DateTimeOffset.MinValue, (object)new { service, line })));
            }
            items.Add(new { flowId = flow, sagas = flowSagas, timeline = timeline.OrderBy(l => l.At).Select(l => l.Line) });
        }
        return new { items, errors };
    }

    private static async Task<object> PromoterAsync(OpsClient? promoter, string path, CancellationToken aborted, CancellationToken token)
    {
        if (promoter is null)
            return new { items = Array.Empty<object>(), error = $"No {Promoter} URL is configured." };
        var answer = await GetAsync(promoter, path, aborted, token);
        return new { items = answer.Body is { } body ? (object)body : Array.Empty<object>(), error = answer.Error };
    }

    private async Task<object> QueuesAsync(CancellationToken aborted, CancellationToken token)
    {
        var ui = _managementUrl is null ? null : _managementUrl.AbsoluteUri.TrimEnd('/') + "/";
        if (_management is null)
            return new { managementUrl = ui, vhost = _vhost, items = Array.Empty<object>(), error = _managementProblem };
        try
        {
            var queues = await _management.QueuesAsync(_vhost, token);
            var items = queues
                .OrderByDescending(q => IsErrorQueue(q.Name) && q.Messages > 0)
                .ThenBy(q => q.Name, StringComparer.Ordinal)
                .Select(q => new
                {
                    name = q.Name,
                    messages = q.Messages,
                    isError = IsErrorQueue(q.Name),
                    url = $"{ui}#/queues/{Uri.EscapeDataString(_vhost)}/{Uri.EscapeDataString(q.Name)}",
                });
            return new { managementUrl = ui, vhost = _vhost, items, error = (string?)null };
        }
        catch (CtlException ex)
        {
            return new { managementUrl = ui, vhost = _vhost, items = Array.Empty<object>(), error = ex.Message };
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            return new { managementUrl = ui, vhost = _vhost, items = Array.Empty<object>(),
                error = $"RabbitMQ's management API did not answer within {CallTimeout.TotalSeconds:0} s." };
        }
    }

    // When a saga last changed, as its summary says; a summary without times sorts last.
    private static DateTimeOffset ChangedAt(JsonElement saga) => Time(saga, "updatedAt") ?? Time(saga, "createdAt") ?? DateTimeOffset.MinValue;

    private static DateTimeOffset? Time(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var at) ? at : null;

    private static bool IsErrorQueue(string name) => name.EndsWith("_error", StringComparison.Ordinal);

    // 200 with a body, or the reason there is none, as one line for the page.
    private static async Task<(JsonElement? Body, string? Error)> GetAsync(OpsClient client, string path, CancellationToken aborted, CancellationToken token)
    {
        try
        {
            var (status, body) = await client.GetAsync(path, token);
            return status == HttpStatusCode.OK ? (body, null) : (null, $"{client.Service} answered {(int)status} to GET /{path}: {OpsClient.Detail(body)}");
        }
        catch (CtlException ex)
        {
            return (null, ex.Message);
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            return (null, $"{client.Service} did not answer within {CallTimeout.TotalSeconds:0} s.");
        }
    }

    public void Dispose() => _management?.Dispose();
}
