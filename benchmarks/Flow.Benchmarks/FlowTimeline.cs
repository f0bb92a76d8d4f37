using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Mlops.Flow.Benchmarks;

/// <summary>
/// Where a flow's time goes, from the services' own audit trail (<c>GET /ops/flows/{flowId}</c> of each service): every
/// transition of the flow in time order, and the time before it since the flow's previous transition (from the publish
/// of ModelRegistered for the first). That time is the message's
/// wait in its queue plus the work of the transition that produced it (outside calls, the store's commit), so the long
/// segments name the steps to look at. Averaged over the flows of a batch.
/// </summary>
internal static class FlowTimeline
{
    public static async Task<IReadOnlyList<TimelineSegment>> MeasureAsync(IReadOnlyDictionary<string, Uri> services, string opsToken, FlowResult batch,
        CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", opsToken);
        var totals = new Dictionary<string, (double Sum, int Count, int Order)>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Flows; i++)
        {
            var lines = new List<(DateTimeOffset At, long Sequence, string Label)>();
            foreach (var (service, url) in services)
            {
                using var answer = await http.GetAsync(new Uri(url, $"ops/flows/{batch.Models[i].FlowId}"), cancellationToken);
                if (answer.StatusCode == System.Net.HttpStatusCode.NotFound)
                    continue; // The service has no saga of this flow.
                answer.EnsureSuccessStatusCode();
                var flow = await answer.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                foreach (var line in flow.GetProperty("timeline").EnumerateArray())
                {
                    lines.Add((line.GetProperty("at").GetDateTimeOffset(), line.GetProperty("sequence").GetInt64(),
                        $"{service} {line.GetProperty("sagaType").GetString()} {Short(line.GetProperty("event").GetString())}: " +
                        $"{line.GetProperty("fromState").GetString() ?? "(new)"} -> {line.GetProperty("toState").GetString()}"));
                }
            }
            var previous = batch.SentAt[i];
            var order = 0;
            foreach (var (at, _, label) in lines.OrderBy(l => l.At).ThenBy(l => l.Sequence))
            {
                Add(totals, label, (at - previous).TotalMilliseconds, order++);
                previous = at;
            }
        }
        return totals.Select(t => new TimelineSegment(t.Key, t.Value.Sum / t.Value.Count, t.Value.Count, t.Value.Order))
            .OrderBy(s => s.Order).ToList();
    }

    private static void Add(Dictionary<string, (double Sum, int Count, int Order)> totals, string label, double ms, int order)
    {
        var (sum, count, first) = totals.GetValueOrDefault(label, (0, 0, order));
        totals[label] = (sum + Math.Max(0, ms), count + 1, Math.Min(first, order));
    }

    // MassTransit's generic names (SagaStepRetryDue<StackState>) stay readable; namespaces are dropped.
    private static string Short(string? name) => name is null ? "?" : name[(name.LastIndexOf('.') + 1)..];
}
