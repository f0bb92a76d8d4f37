using k8s;

namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>Reads a KubernetesClient watch until an event satisfies a condition, with a deadline instead of a sleep.</summary>
public static class Watching
{
    public static async Task<List<(WatchEventType Type, T Object)>> UntilAsync<T>(
        Func<Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
        Func<WatchEventType, T, bool> done,
        TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        var seen = new List<(WatchEventType, T)>();
        Exception? failure = null;
        await foreach (var (type, item) in watch(e => failure = e, deadline.Token).WithCancellation(deadline.Token))
        {
            seen.Add((type, item));
            if (done(type, item))
                return seen;
        }
        throw new TimeoutException($"the watch ended after {seen.Count} events without the expected one", failure);
    }
}
