using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Mlops.TrainingCoordinator.Watchers;

/// <summary>
/// The namespaces the watcher lists and watches: those of the settings, those of runs in flight, and each one a Job is
/// submitted to (added before the Job is created, so no status of it is missed). Namespaced, so Roles suffice.
/// </summary>
public sealed class WatchedNamespaces
{
    private readonly ConcurrentDictionary<string, byte> _namespaces = new(StringComparer.Ordinal);
    private readonly Channel<string> _added = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public IReadOnlyCollection<string> Current => _namespaces.Keys.ToList();

    /// <summary>Namespaces as they are first added, for the watcher to start on.</summary>
    public ChannelReader<string> Added => _added.Reader;

    /// <summary>Watches <paramref name="ns"/> from now on; true when it was not watched yet.</summary>
    public bool Add(string ns)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ns);
        if (!_namespaces.TryAdd(ns, 0))
            return false;
        _added.Writer.TryWrite(ns);
        return true;
    }
}
