using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Mlops.Sandbox.Kubernetes.Controllers;

/// <summary>
/// Runs one controller as a real one runs: level-triggered, an object key at a time, woken by store changes of the
/// kinds it watches and by its own timers; every object is reconciled once at start.
/// </summary>
public abstract class ControllerLoop(KubernetesRegistry registry, ILogger logger) : BackgroundService
{
    private readonly Channel<ObjectKey> _queue = Channel.CreateUnbounded<ObjectKey>();
    private readonly ConcurrentDictionary<ObjectKey, byte> _queued = new();

    protected KubernetesRegistry Registry { get; } = registry;

    /// <summary>The kind this controller reconciles.</summary>
    protected abstract ResourceType Primary { get; }

    protected abstract Task ReconcileAsync(string? ns, string name, CancellationToken cancellationToken);

    /// <summary>Which objects of <see cref="Primary"/> a change concerns; by default the changed object itself.</summary>
    protected virtual IEnumerable<ObjectKey> Affected(StoreEvent change) =>
        change.Resource == Primary ? [new ObjectKey(change.Namespace, change.Name)] : [];

    /// <summary>Reconciles the object again after <paramref name="delay"/>, e.g. when a pod would become ready.</summary>
    protected void RequeueAfter(ObjectKey key, TimeSpan delay, CancellationToken cancellationToken)
    {
        _ = Task.Delay(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, cancellationToken)
            .ContinueWith(_ => Enqueue(key), cancellationToken, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    protected void Enqueue(ObjectKey key)
    {
        if (_queued.TryAdd(key, 0))
            _queue.Writer.TryWrite(key);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = Registry.Store.Subscribe(null);
        foreach (var existing in Registry.List(Primary, null).Items)
            Enqueue(new ObjectKey(existing.Namespace(), existing.Name()));
        var pump = Task.Run(async () =>
        {
            await foreach (var change in subscription.Changes.ReadAllAsync(stoppingToken))
            {
                foreach (var key in Affected(change))
                    Enqueue(key);
            }
        }, stoppingToken);

        try
        {
            await foreach (var key in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                _queued.TryRemove(key, out _);
                try
                {
                    await ReconcileAsync(key.Namespace, key.Name, stoppingToken);
                }
                catch (KubernetesApiException gone) when (gone.Code == 404)
                {
                    // Deleted while being reconciled: nothing left to do.
                }
                catch (Exception failed) when (failed is not OperationCanceledException)
                {
                    logger.LogWarning(failed, "{Controller} failed on {Namespace}/{Name}; retrying", GetType().Name, key.Namespace, key.Name);
                    RequeueAfter(key, TimeSpan.FromMilliseconds(500), stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The stand-in is stopping.
        }
        await pump.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }
}
