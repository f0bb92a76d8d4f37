using System.Threading.Channels;

namespace Mlops.Sandbox.Kubernetes;

/// <summary>A live feed of store changes: what happened after the requested version, then every new change.</summary>
public sealed class StoreSubscription : IDisposable
{
    private readonly Action<StoreSubscription> _unsubscribe;

    internal StoreSubscription(IReadOnlyList<StoreEvent> backlog, Action<StoreSubscription> unsubscribe)
    {
        Backlog = backlog;
        _unsubscribe = unsubscribe;
    }

    /// <summary>Changes already stored after the version the subscriber asked to start from.</summary>
    public IReadOnlyList<StoreEvent> Backlog { get; }

    internal Channel<StoreEvent> Channel { get; } = System.Threading.Channels.Channel.CreateUnbounded<StoreEvent>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<StoreEvent> Changes => Channel.Reader;

    public void Dispose() => _unsubscribe(this);
}
