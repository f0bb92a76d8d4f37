using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Mlops.Testing;

namespace Mlops.Chaos.Tests;

/// <summary>
/// Reads <c>mlops_outside_circuit_state{system}</c> (0 closed, 1 open, 2 half-open, 3 isolated) from every service
/// process's <c>/metrics</c> while a scenario runs, and keeps each change with its time, as an operator's scrape would.
/// </summary>
public sealed partial class BreakerWatch : IAsyncDisposable
{
    private readonly ConcurrentQueue<(DateTimeOffset At, string Service, string System, double State)> _changes = new();
    private readonly ConcurrentDictionary<(string Service, string System), double> _now = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watching;

    public BreakerWatch(Dictionary<string, IReadOnlyList<ServiceProcess>> services)
    {
        _watching = Task.Run(() => WatchAsync(services, _stop.Token));
    }

    /// <summary>Every change seen: when, which service's breaker for which system, and its new state.</summary>
    public IReadOnlyList<(DateTimeOffset At, string Service, string System, double State)> Changes => _changes.ToArray();

    /// <summary>Whether some service's breaker for <paramref name="system"/> was seen open (1) between the two times.</summary>
    public bool OpenedBetween(string system, DateTimeOffset from, DateTimeOffset until) =>
        _changes.Any(c => c.System == system && c.State == 1 && c.At >= from && c.At <= until);

    /// <summary>The breakers not closed as last read.</summary>
    public IReadOnlyList<string> NotClosed() => _now.Where(n => n.Value != 0).Select(n => $"{n.Key.Service}: {n.Key.System} breaker in state {n.Value}").ToList();

    private async Task WatchAsync(Dictionary<string, IReadOnlyList<ServiceProcess>> services, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        while (await timer.WaitForNextTickAsync(cancellationToken).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default))
        {
            foreach (var (service, processes) in services)
            {
                for (var i = 0; i < processes.Count; i++)
                {
                    string text;
                    try
                    {
                        text = await processes[i].Http.GetStringAsync("metrics", cancellationToken);
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        continue; // killed or restarting: read again next time
                    }
                    foreach (Match line in StateLine().Matches(text))
                    {
                        var key = ($"{service}[{i}]", line.Groups["system"].Value);
                        var state = double.Parse(line.Groups["value"].Value, CultureInfo.InvariantCulture);
                        if (!_now.TryGetValue(key, out var before) || before != state)
                            _changes.Enqueue((DateTimeOffset.UtcNow, key.Item1, key.Item2, state));
                        _now[key] = state;
                    }
                }
            }
        }
    }

    [GeneratedRegex("""^mlops_outside_circuit_state\{[^}]*system="(?<system>[a-z]+)"[^}]*\} (?<value>\S+)""", RegexOptions.Multiline)]
    private static partial Regex StateLine();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watching;
        _stop.Dispose();
    }
}
