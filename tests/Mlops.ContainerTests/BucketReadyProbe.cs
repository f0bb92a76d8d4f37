using System.Collections.Concurrent;
using MassTransit;
using Mlops.Contracts;

namespace Mlops.ContainerTests;

/// <summary>A consumer registered as a service registers its own, recording each <see cref="MinioBucketReady"/> it receives.</summary>
public sealed class BucketReadyProbe(BucketReadyProbe.Seen seen) : IConsumer<MinioBucketReady>
{
    public Task Consume(ConsumeContext<MinioBucketReady> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        seen.Messages.Enqueue(context.Message);
        return Task.CompletedTask;
    }

    /// <summary>What the probe received, in order.</summary>
    public sealed class Seen
    {
        public ConcurrentQueue<MinioBucketReady> Messages { get; } = new();
    }
}
