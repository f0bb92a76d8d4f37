using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Mlops.Sandbox.Kubernetes.Pods;

/// <summary>
/// <c>GET /api/v1/namespaces/{ns}/pods/{name}/log</c>: what a container run wrote, as text/plain, with the API server's
/// and kubelet's parameters (<c>container</c>, <c>previous</c>, <c>tailLines</c>, <c>sinceSeconds</c>, <c>sinceTime</c>,
/// <c>timestamps</c>, <c>limitBytes</c>, <c>follow</c>) and their refusals.
/// </summary>
public sealed class PodLogs(KubernetesRegistry registry, PodWorkers workers)
{
    private static readonly ResourceType Options = new("", "v1", "podlogoptions", "PodLogOptions", true, [], false, false, false);

    public async Task ServeAsync(HttpContext http, string ns, string name)
    {
        var pod = registry.Get(ResourceCatalog.Pods, ns, name);
        var query = http.Request.Query;
        var requested = query["container"].ToString();
        var mains = Names(pod["spec"]?["containers"]);
        var inits = Names(pod["spec"]?["initContainers"]);
        if (requested.Length == 0)
        {
            requested = mains.Count switch
            {
                1 => mains[0],
                0 => throw KubernetesApiException.BadRequest($"a container name must be specified for pod {name}"),
                _ => throw KubernetesApiException.BadRequest($"a container name must be specified for pod {name}, choose one of: [{string.Join(' ', mains)}]"
                    + (inits.Count > 0 ? $" or one of the init containers: [{string.Join(' ', inits)}]" : "")),
            };
        }
        else if (!mains.Contains(requested) && !inits.Contains(requested))
            throw KubernetesApiException.BadRequest($"container {requested} is not valid for pod {name}");

        var previous = Flag(query, "previous");
        var tail = Number(query, "tailLines");
        var limit = Number(query, "limitBytes");
        var sinceSeconds = Number(query, "sinceSeconds");
        var sinceTime = query["sinceTime"].ToString() is { Length: > 0 } stamp ? ObjectMeta.ParseTimestamp(stamp) ?? throw KubernetesApiException.BadRequest($"sinceTime: invalid value \"{stamp}\"") : (DateTimeOffset?)null;
        var causes = new List<StatusCause>();
        if (tail < 0)
            causes.Add(new("FieldValueInvalid", "tailLines", $"Invalid value: {tail}: must be greater than or equal to 0"));
        if (limit < 1)
            causes.Add(new("FieldValueInvalid", "limitBytes", $"Invalid value: {limit}: must be greater than 0"));
        if (sinceSeconds < 1)
            causes.Add(new("FieldValueInvalid", "sinceSeconds", $"Invalid value: {sinceSeconds}: must be greater than 0"));
        if (sinceSeconds is not null && sinceTime is not null)
            causes.Add(new("FieldValueForbidden", "sinceSeconds", "Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified"));
        if (causes.Count > 0)
            throw KubernetesApiException.Invalid(Options, name, causes);

        http.Response.StatusCode = 200;
        http.Response.ContentType = "text/plain";
        // A pod not yet on a node has no kubelet to ask: the API server answers with nothing.
        if (string.IsNullOrEmpty(pod["spec"].String("nodeName")))
            return;
        var log = Choose(pod, requested, previous);
        var since = sinceTime ?? (sinceSeconds is { } seconds ? DateTimeOffset.UtcNow.AddSeconds(-seconds) : null);
        var timestamps = Flag(query, "timestamps");
        var budget = new LogBudget(limit);
        var follow = Flag(query, "follow") && !previous;
        var (lines, later, stop) = follow ? log.Follow() : (log.Lines, null, () => { });
        try
        {
            var selected = lines.Where(l => since is null || l.Time >= since).ToList();
            if (tail is { } count && selected.Count > count)
                selected = selected.Skip(selected.Count - (int)count).ToList();
            foreach (var line in selected)
            {
                if (!await WriteAsync(http, line, timestamps, budget))
                    return;
            }
            await http.Response.Body.FlushAsync(http.RequestAborted);
            if (later is null)
                return;
            await foreach (var line in later.ReadAllAsync(http.RequestAborted))
            {
                if (!await WriteAsync(http, line, timestamps, budget))
                    return;
                await http.Response.Body.FlushAsync(http.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client stopped following.
        }
        finally
        {
            stop();
        }
    }

    // The kubelet's validateContainerLogStatus: which run's log, or why there is none.
    private ContainerLogBuffer Choose(JsonObject pod, string container, bool previous)
    {
        var name = pod.Name();
        var status = (pod["status"]?["containerStatuses"] as JsonArray ?? []).Concat(pod["status"]?["initContainerStatuses"] as JsonArray ?? [])
            .OfType<JsonObject>().FirstOrDefault(s => s.String("name") == container)
            ?? throw KubernetesApiException.BadRequest($"container \"{container}\" in pod \"{name}\" is waiting to start: ContainerCreating");
        var view = workers.ContainersOf(pod.Uid()).FirstOrDefault(c => c.Name == container);
        var state = status["state"];
        var lastTerminated = status["lastState"]?["terminated"];
        if (previous)
            return lastTerminated is not null && view?.Previous is { } earlier
                ? earlier
                : throw KubernetesApiException.BadRequest($"previous terminated container \"{container}\" in pod \"{name}\" not found");
        if (state?["running"] is not null || state?["terminated"] is not null || lastTerminated is not null)
            return view?.Current ?? throw KubernetesApiException.BadRequest($"container \"{container}\" in pod \"{name}\" is not available");
        var reason = state?["waiting"].String("reason") ?? "ContainerCreating";
        throw KubernetesApiException.BadRequest(reason switch
        {
            "ErrImagePull" => $"container \"{container}\" in pod \"{name}\" is waiting to start: image can't be pulled",
            "ImagePullBackOff" => $"container \"{container}\" in pod \"{name}\" is waiting to start: trying and failing to pull image",
            _ => $"container \"{container}\" in pod \"{name}\" is waiting to start: {reason}",
        });
    }

    // Writes one line within limitBytes; false once the limit is reached.
    private static async Task<bool> WriteAsync(HttpContext http, (DateTimeOffset Time, string Text) line, bool timestamps, LogBudget budget)
    {
        var text = (timestamps ? line.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture) + " " : "") + line.Text + "\n";
        var bytes = budget.Take(Encoding.UTF8.GetBytes(text));
        if (bytes.Length > 0)
            await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
        return !budget.Spent;
    }

    private sealed class LogBudget(long? limit)
    {
        private long _written;

        public bool Spent => limit is { } max && _written >= max;

        public byte[] Take(byte[] bytes)
        {
            if (limit is { } max && _written + bytes.Length > max)
                bytes = bytes[..(int)Math.Max(0, max - _written)];
            _written += bytes.Length;
            return bytes;
        }
    }

    private static List<string> Names(JsonNode? containers) => (containers as JsonArray ?? []).Select(c => c.String("name") ?? "").ToList();

    private static bool Flag(IQueryCollection query, string key) => query[key].ToString() is "true" or "1";

    private static long? Number(IQueryCollection query, string key)
    {
        var text = query[key].ToString();
        if (text.Length == 0)
            return null;
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw KubernetesApiException.BadRequest($"{key}: invalid value \"{text}\"");
    }
}
