using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Mlops.Flow.Benchmarks;

/// <summary>
/// RabbitMQ's management API for what the benchmark counts on the broker: a vhost's message totals and its consumers'
/// prefetch. Its statistics are refreshed every few seconds (collect_statistics_interval, 5 s by default), so a count is
/// taken only once it has stopped moving.
/// </summary>
internal sealed class BrokerManagement : IDisposable
{
    private readonly HttpClient _http;

    public BrokerManagement(Uri managementUrl)
    {
        var user = Uri.UnescapeDataString(managementUrl.UserInfo);
        _http = new HttpClient { BaseAddress = new Uri(managementUrl.GetLeftPart(UriPartial.Authority) + "/"), Timeout = TimeSpan.FromSeconds(10) };
        if (user.Length > 0)
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user)));
    }

    public async Task<BrokerCount> CountAsync(string vhost, CancellationToken cancellationToken)
    {
        using var document = await GetAsync($"api/vhosts/{Uri.EscapeDataString(vhost)}", cancellationToken);
        if (!document.RootElement.TryGetProperty("message_stats", out var stats))
            return new BrokerCount(0, 0);
        return new BrokerCount(Total(stats, "publish"), Total(stats, "deliver_get"));
    }

    /// <summary>The vhost's totals once two readings <paramref name="quiet"/> apart agree (the statistics caught up).</summary>
    public async Task<BrokerCount> SettledCountAsync(string vhost, TimeSpan quiet, TimeSpan limit, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var last = await CountAsync(vhost, cancellationToken);
        while (true)
        {
            await Task.Delay(quiet, cancellationToken);
            var now = await CountAsync(vhost, cancellationToken);
            if (now == last)
                return now;
            if (clock.Elapsed > limit)
                throw new TimeoutException($"the message totals of vhost {vhost} still moved after {limit.TotalSeconds:F0} s ({last} then {now})");
            last = now;
        }
    }

    /// <summary>The prefetch count of the consumers on <paramref name="queue"/> (0 when it has none yet).</summary>
    public async Task<int> PrefetchAsync(string vhost, string queue, CancellationToken cancellationToken)
    {
        using var document = await GetAsync($"api/consumers/{Uri.EscapeDataString(vhost)}", cancellationToken);
        foreach (var consumer in document.RootElement.EnumerateArray())
        {
            if (consumer.GetProperty("queue").GetProperty("name").GetString() == queue)
                return consumer.GetProperty("prefetch_count").GetInt32();
        }
        return 0;
    }

    private async Task<JsonDocument> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var answer = await _http.GetAsync(path, cancellationToken);
        var text = await answer.Content.ReadAsStringAsync(cancellationToken);
        if (!answer.IsSuccessStatusCode)
            throw new InvalidOperationException($"RabbitMQ management GET /{path} answered {(int)answer.StatusCode}: {text}");
        return JsonDocument.Parse(text);
    }

    private static long Total(JsonElement stats, string name) => stats.TryGetProperty(name, out var value) ? value.GetInt64() : 0;

    public void Dispose() => _http.Dispose();
}
