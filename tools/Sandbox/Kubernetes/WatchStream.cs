using System.Globalization;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>
/// One <c>?watch=true</c> response: newline-delimited <c>{"type","object"}</c> events from a resourceVersion (or the
/// current state as ADDED events), filtered by namespace and selectors, with BOOKMARK events when asked
/// (<c>allowWatchBookmarks</c>; after the initial events with <c>sendInitialEvents</c>), until the client leaves or the
/// watch times out: <c>timeoutSeconds</c>, else the server's own timeout (<see cref="KubernetesOptions.WatchTimeout"/>).
/// </summary>
internal sealed class WatchStream(KubernetesRegistry registry, ApiPath path, IQueryCollection query, KubernetesOptions options)
{
    private readonly LabelSelector _labels = LabelSelector.Parse(query["labelSelector"]);
    private readonly FieldSelector _fields = FieldSelector.Parse(path.Name is null ? query["fieldSelector"] : $"metadata.name={path.Name}");
    private readonly bool _bookmarks = query["allowWatchBookmarks"].ToString() is "true" or "1";
    private bool _tables;
    private long _lastVersion;

    public async Task ServeAsync(HttpContext http)
    {
        // kubectl get -w asks for server-side tables: each event's object is then a one-row Table.
        _tables = TablePrinter.Wanted(http.Request.Headers.Accept);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        timeout.CancelAfter(Duration());

        var requested = query["resourceVersion"].ToString();
        var sendInitial = query["sendInitialEvents"].ToString() is "true" or "1";
        if (sendInitial && (!_bookmarks || query["resourceVersionMatch"] != "NotOlderThan"))
            throw KubernetesApiException.Invalid(new ResourceType("", "", "", "ListOptions", false, [], false, false, false), "",
                [new StatusCause("FieldValueForbidden", "sendInitialEvents", "Forbidden: sendInitialEvents is forbidden for watch unless allowWatchBookmarks=true and resourceVersionMatch=NotOlderThan")]);
        StoreSubscription subscription;
        IReadOnlyList<JsonObject> initial = [];
        try
        {
            if (requested is "" or "0" || sendInitial)
            {
                // No version: the current state first, as synthetic ADDED events, then changes after it.
                var (items, version) = registry.List(path.Type, path.Namespace, _labels, _fields);
                initial = items;
                subscription = registry.Store.Subscribe(version);
                _lastVersion = version;
            }
            else if (long.TryParse(requested, NumberStyles.None, CultureInfo.InvariantCulture, out var from))
            {
                subscription = registry.Store.Subscribe(from);
                _lastVersion = from;
            }
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
                    await WriteEventAsync(http, "ADDED", Shown(item, http), timeout.Token);
                if (sendInitial)
                    await WriteBookmarkAsync(http, initialEventsEnd: true, timeout.Token);
                foreach (var change in subscription.Backlog)
                    await ForwardAsync(http, change, timeout.Token);
                await PumpAsync(http, subscription, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // The client went away or the watch timed out: a last bookmark tells a resuming client where it was.
                if (_bookmarks && !http.RequestAborted.IsCancellationRequested)
                    await TryWriteFinalBookmarkAsync(http);
            }
        }
    }

    private TimeSpan Duration()
    {
        if (int.TryParse(query["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
            return TimeSpan.FromSeconds(seconds);
        // As the API server's --min-request-timeout: a random time between it and twice it.
        return options.WatchTimeout * (1 + Random.Shared.NextDouble());
    }

    private async Task PumpAsync(HttpContext http, StoreSubscription subscription, CancellationToken cancellationToken)
    {
        var reader = subscription.Changes;
        while (true)
        {
            if (!_bookmarks)
            {
                var change = await reader.ReadAsync(cancellationToken);
                await ForwardAsync(http, change, cancellationToken);
                continue;
            }
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            tick.CancelAfter(options.BookmarkInterval);
            try
            {
                var change = await reader.ReadAsync(tick.Token);
                await ForwardAsync(http, change, cancellationToken);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await WriteBookmarkAsync(http, initialEventsEnd: false, cancellationToken);
            }
        }
    }

    private async Task ForwardAsync(HttpContext http, StoreEvent change, CancellationToken cancellationToken)
    {
        _lastVersion = Math.Max(_lastVersion, change.ResourceVersion);
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
            await WriteEventAsync(http, type, Shown(change.Object, http), cancellationToken);
    }

    private bool Matches(JsonObject obj) => _labels.Matches(obj) && _fields.Matches(obj);

    private JsonObject Shown(JsonObject obj, HttpContext http) =>
        _tables ? TablePrinter.Print(path.Type, [obj], obj.ResourceVersion(), http.Request.Query["includeObject"] == "Object") : obj;

    // A BOOKMARK carries only the kind and the resourceVersion everything before which has been sent.
    private Task WriteBookmarkAsync(HttpContext http, bool initialEventsEnd, CancellationToken cancellationToken)
    {
        var metadata = new JsonObject
        {
            ["resourceVersion"] = _lastVersion.ToString(CultureInfo.InvariantCulture),
            ["creationTimestamp"] = null,
        };
        if (initialEventsEnd)
            metadata["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        var bookmark = new JsonObject { ["kind"] = path.Type.Kind, ["apiVersion"] = path.Type.ApiVersion, ["metadata"] = metadata };
        return WriteEventAsync(http, "BOOKMARK", bookmark, cancellationToken);
    }

    private async Task TryWriteFinalBookmarkAsync(HttpContext http)
    {
        try
        {
            await WriteBookmarkAsync(http, initialEventsEnd: false, http.RequestAborted);
        }
        catch (Exception gone) when (gone is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The client left first.
        }
    }

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
