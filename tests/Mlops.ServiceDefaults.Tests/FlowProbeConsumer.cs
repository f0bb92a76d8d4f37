using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;
using Mlops.Contracts;

namespace Mlops.ServiceDefaults.Tests;

/// <summary>A consumer the tests connect to a running service host, recording what it saw.</summary>
public sealed class FlowProbeConsumer(ILogger<FlowProbeConsumer> logger, FlowProbeConsumer.Observations observations)
    : IConsumer<MinioBucketReady>
{
    public Task Consume(ConsumeContext<MinioBucketReady> context)
    {
        logger.LogInformation("Bucket {Bucket} of stack {Stack} is ready", context.Message.BucketName, context.Message.StackName);
        observations.Seen.Enqueue(new Observation(context.Message, Activity.Current?.TraceId.ToString(), Activity.Current?.GetBaggageItem("mlops.flow_id")));
        return Task.CompletedTask;
    }

    /// <summary>The message and the trace it was consumed in.</summary>
    public sealed record Observation(MinioBucketReady Message, string? TraceId, string? FlowBaggage);

    /// <summary>Everything consumed, in order.</summary>
    public sealed class Observations
    {
        public ConcurrentQueue<Observation> Seen { get; } = new();
    }
}
