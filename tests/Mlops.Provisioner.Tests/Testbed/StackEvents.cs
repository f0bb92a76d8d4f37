using System.Collections.Concurrent;
using MassTransit;
using Mlops.Contracts;

namespace Mlops.Provisioner.Tests.Testbed;

/// <summary>Every event the Provisioner publishes, as another service would receive them: one queue, in arrival order.</summary>
public sealed class StackEvents
{
    private readonly ConcurrentQueue<object> _received = new();

    public IReadOnlyList<object> All => _received.ToList();

    public IReadOnlyList<T> Of<T>() => _received.OfType<T>().ToList();

    /// <summary>The events as <c>Type key</c> lines, e.g. <c>MinioBucketReady mlflow</c>, in arrival order.</summary>
    public IReadOnlyList<string> Lines => _received.Select(Line).ToList();

    public static async Task<StackEvents> ConnectAsync(IBus bus)
    {
        var events = new StackEvents();
        var handle = bus.ConnectReceiveEndpoint($"provisioner-tests-events-{NewId.NextGuid():N}", endpoint =>
        {
            // One message at a time, so the list is the queue's order; by default MassTransit handles several at once.
            endpoint.PrefetchCount = 1;
            endpoint.ConcurrentMessageLimit = 1;
            endpoint.Handler<SecretsReady>(c => events.Add(c.Message));
            endpoint.Handler<MinioBucketReady>(c => events.Add(c.Message));
            endpoint.Handler<BucketNotificationsConfigured>(c => events.Add(c.Message));
            endpoint.Handler<StackReady>(c => events.Add(c.Message));
            endpoint.Handler<StackProvisioningFailed>(c => events.Add(c.Message));
            endpoint.Handler<StackDriftDetected>(c => events.Add(c.Message));
        });
        await handle.Ready;
        return events;
    }

    private Task Add(object message)
    {
        _received.Enqueue(message);
        return Task.CompletedTask;
    }

    private static string Line(object message) => message switch
    {
        SecretsReady s => $"SecretsReady {s.Namespace}: {string.Join(",", s.SecretNames)}",
        MinioBucketReady b => $"MinioBucketReady {b.BucketName}",
        BucketNotificationsConfigured n => $"BucketNotificationsConfigured {n.BucketName}",
        StackReady r => $"StackReady {r.StackName}",
        StackProvisioningFailed f => $"StackProvisioningFailed {f.Step}",
        StackDriftDetected d => $"StackDriftDetected {(d.Repaired ? "repaired" : "not repaired")}",
        _ => message.GetType().Name,
    };
}
