using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Mlops.SagaStore;

/// <summary>
/// The store's meter, <c>Mlops.SagaStore</c>. <c>mlops.saga.messages.ignored</c> (Prometheus:
/// <c>mlops_saga_messages_ignored_total{saga,event,reason}</c>) counts messages acknowledged without changing a saga row.
/// </summary>
public sealed class SagaStoreMetrics
{
    public const string MeterName = "Mlops.SagaStore";
    public const string IgnoredInstrument = "mlops.saga.messages.ignored";

    /// <summary>The same message id at the same consumer again: a redelivery.</summary>
    public const string Duplicate = "duplicate";

    /// <summary>The saga instance has finished; a late or repeated trigger starts nothing.</summary>
    public const string Finished = "finished";

    /// <summary>The saga's current state does not handle this event.</summary>
    public const string Unhandled = "unhandled";

    /// <summary>The state handles the event but nothing changed: same state, same data, no deadline change, nothing sent.</summary>
    public const string Unchanged = "unchanged";

    /// <summary>No instance matched and the event does not start one.</summary>
    public const string NoInstance = "no-instance";

    private readonly Counter<long> _ignored;

    public SagaStoreMetrics(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        // The host's meter factory when there is one (services), a plain meter otherwise (tools, benchmarks).
        Meter = services.GetService<IMeterFactory>()?.Create(MeterName) ?? new Meter(MeterName);
        _ignored = Meter.CreateCounter<long>(IgnoredInstrument, unit: "{message}",
            description: "Messages acknowledged without changing a saga row, by saga type, event and reason");
    }

    /// <summary>The meter of this service's store (a listener can tell it from the stores of other hosts in one process).</summary>
    public Meter Meter { get; }

    internal void Ignored(string saga, string @event, string reason) =>
        _ignored.Add(1, new KeyValuePair<string, object?>("saga", saga), new KeyValuePair<string, object?>("event", @event),
            new KeyValuePair<string, object?>("reason", reason));
}
