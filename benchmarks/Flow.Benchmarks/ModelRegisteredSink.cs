using System.Diagnostics;
using MassTransit;
using Mlops.Contracts;

namespace Mlops.Flow.Benchmarks;

/// <summary>
/// The plain MassTransit consumer of the baseline: it counts each ModelRegistered and its publish-to-consume latency
/// (from the message's OccurredAt, stamped by this process), and notes the size of the envelope as it came off the wire.
/// </summary>
internal sealed class ModelRegisteredSink : IConsumer<ModelRegistered>
{
    private readonly Lock _gate = new();
    private List<double> _latencies = [];
    private long _lastTimestamp;

    public int EnvelopeBytes { get; private set; }

    public int Count
    {
        get
        {
            lock (_gate)
                return _latencies.Count;
        }
    }

    public long LastTimestamp
    {
        get
        {
            lock (_gate)
                return _lastTimestamp;
        }
    }

    public IReadOnlyList<double> Latencies
    {
        get
        {
            lock (_gate)
                return _latencies.ToArray();
        }
    }

    public Task Consume(ConsumeContext<ModelRegistered> context)
    {
        var latency = (DateTimeOffset.UtcNow - context.Message.OccurredAt).TotalMilliseconds;
        lock (_gate)
        {
            if (EnvelopeBytes == 0)
                EnvelopeBytes = context.ReceiveContext.Body.GetBytes().Length;
            _latencies.Add(latency);
            _lastTimestamp = Stopwatch.GetTimestamp();
        }
        return Task.CompletedTask;
    }

    public void Reset()
    {
        lock (_gate)
            _latencies = [];
    }
}
