using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Mlops.ModelPromoter.Watchers;

/// <summary>
/// The namespaces model servers run in, which the rollout watcher lists and watches (namespaced permissions, no
/// cluster-wide watch): configured ones, the Kubernetes client's default, those the serving sagas recorded, and each one
/// a deploy writes to. A namespace added here is watched at once.
/// </summary>
public sealed class ServingNamespaces
{
    private readonly ConcurrentDictionary<string, bool> _known = new(StringComparer.Ordinal);
    private readonly Channel<string> _added = Channel.CreateUnbounded<string>();

    /// <summary>Adds a namespace; true when it was not known yet.</summary>
    public bool Add(string ns)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ns);
        if (!_known.TryAdd(ns, true))
            return false;
        _added.Writer.TryWrite(ns);
        return true;
    }

    public IReadOnlyCollection<string> Known => _known.Keys.ToList();

    /// <summary>Namespaces as they are added, from the first one on.</summary>
    public IAsyncEnumerable<string> AddedAsync(CancellationToken cancellationToken) => _added.Reader.ReadAllAsync(cancellationToken);
}
