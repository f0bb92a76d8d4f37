using System.Collections.Concurrent;
using System.Diagnostics;
using Mlops.Testing;

namespace Mlops.Chaos.Tests;

/// <summary>
/// Kills each service's processes with SIGKILL a given number of times and starts them again (same settings, data and
/// port). The moments are random points of the run's progress (0 to 1, from the seed), not of the clock, so every kill
/// lands while flows are in flight however fast this machine is.
/// </summary>
public sealed class ServiceKiller
{
    private readonly ConcurrentQueue<Kill> _kills = new();
    private readonly Dictionary<string, IReadOnlyList<ServiceProcess>> _services;
    private readonly Dictionary<string, Queue<double>> _moments;
    private readonly Random _random;

    public ServiceKiller(Dictionary<string, IReadOnlyList<ServiceProcess>> services, int killsPerService, int seed)
    {
        _services = services;
        _random = new Random(seed);
        // Between 5 % and 85 % of the way: while trainings, registrations and rollouts are all still running.
        _moments = services.Keys.ToDictionary(s => s, _ => new Queue<double>(Enumerable.Range(0, killsPerService).Select(_ => 0.05 + 0.8 * _random.NextDouble()).Order()));
    }

    public IReadOnlyList<Kill> Kills => _kills.ToArray();

    /// <summary>Kills at each moment <paramref name="progress"/> reaches, until every kill is done or <paramref name="cancellationToken"/> ends it.</summary>
    public Task RunAsync(Func<double> progress, CancellationToken cancellationToken) =>
        Task.WhenAll(_services.Keys.Select(service => KillAsync(service, progress, cancellationToken)));

    private async Task KillAsync(string service, Func<double> progress, CancellationToken cancellationToken)
    {
        var moments = _moments[service];
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (moments.Count > 0 && await timer.WaitForNextTickAsync(cancellationToken))
        {
            var now = progress();
            if (now < moments.Peek())
                continue;
            moments.Dequeue();
            var replicas = _services[service];
            int replica;
            lock (_random)
                replica = _random.Next(replicas.Count);
            var at = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            await replicas[replica].RestartAsync(TimeSpan.FromSeconds(120));
            _kills.Enqueue(new Kill(service, replica, at, now, clock.Elapsed));
        }
    }
}
