using System.Globalization;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>
/// One <c>?watch=true</c> response: newline-delimited <c>{"type","object"}</c> events from a resourceVersion (or the
/// current state as ADDED events), filtered by namespace and selectors, until the client leaves or timeoutSeconds pass.
/// </summary>
internal sealed class WatchStream(KubernetesRegistry registry, ApiPath path, IQueryCollection query)
{
    private readonly LabelSelector _labels = LabelSelector.Parse(query["labelSelector"]);
    private readonly FieldSelector _fields = FieldSelector.Parse(path.Name is null ? query["fieldSelector"] : $"metadata.name={path.Name}");

    public async Task ServeAsync(HttpContext http)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        if (int.TryParse(query["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
            timeout.CancelAfter(TimeSpan.FromSeconds(seconds));

        var requested = query["resourceVersion"].ToString();
        StoreSubscription subscription;
        IReadOnlyList<JsonObject> initial = [];
        try
        {
            if (requested is "" or "0")
            {
                // No version: the current state first, as synthetic ADDED events, then changes after it.
                var (items, version) = registry.List(path.Type, path.Namespace, _labels, _fields);
                initial = items;
                subscription = registry.Store.Subscribe(version);
            }
            else if (long.TryParse(requested, NumberStyles.None, CultureInfo.InvariantCulture, out var from))
                subscription = registry.Store.Subscribe(from);
            else
                throw KubernetesApiException.BadRequest($"invalid resource version \"{requested}\"");
        }
        catch (KubernetesApiException expired) when (expired.Code == 410)
        {
            // The real server accepts the watch and then sends the 410 as an ERROR event.
            await StartAsync(http);
            await WriteEventAsync(http, "ERROR", expired.ToStatus(), http.RequestAborted);
            return;
        }

        using (subscription)
        {
            await StartAsync(http);
            try
            {
                foreach (var item in initial)
                    await WriteEventAsync(http, "ADDED", item, timeout.Token);
                foreach (var change in subscription.Backlog)
                    await ForwardAsync(http, change, timeout.Token);
                await foreach (var change in subscription.Changes.ReadAllAsync(timeout.Token))
                    await ForwardAsync(http, change, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // The client went away or timeoutSeconds passed: the stream just ends.
            }
        }
    }

    private async Task ForwardAsync(HttpContext http, StoreEvent change, CancellationToken cancellationToken)
    {
        if (change.Resource != path.Type || (path.Namespace is not null && change.Namespace != path.Namespace))
            return;
        var now = Matches(change.Object);
        var before = change.Previous is not null && Matches(change.Previous);
        // Selector transitions look like arrivals and departures, as on a real server.
        var type = change.Type switch
        {
            "ADDED" when now => "ADDED",
            "MODIFIED" when now && before => "MODIFIED",
            "MODIFIED" when now => "ADDED",
            "MODIFIED" when before => "DELETED",
            "DELETED" when now => "DELETED",
            _ => null,
        };
        if (type is not null)
            await WriteEventAsync(http, type, change.Object, cancellationToken);
    }

    private bool Matches(JsonObject obj) => _labels.Matches(obj) && _fields.Matches(obj);

    private static async Task StartAsync(HttpContext http)
    {
        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/json";
        await http.Response.StartAsync(http.RequestAborted);
        // The API server flushes the headers at once; Kestrel would hold them until the first event, and client-go
        // waits for them with no way to give up, so a quiet watch kept `kubectl rollout status` from exiting.
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }

    private static async Task WriteEventAsync(HttpContext http, string type, JsonObject obj, CancellationToken cancellationToken)
    {
        var line = new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() }.ToJsonString() + "\n";
        await http.Response.WriteAsync(line, cancellationToken);
        await http.Response.Body.FlushAsync(cancellationToken);
    }
}
