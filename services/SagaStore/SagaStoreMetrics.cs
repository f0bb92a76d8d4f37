using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Mlops.SagaStore;

/// <summary>
/// The store's meter, <c>Mlops.SagaStore</c>. <c>mlops.saga.messages.ignored</c> (Prometheus:
/// <c>mlops_saga_messages_ignored_total{saga,event,reason}</c>) counts messages acknowledged without changing a saga row;
/// <c>mlops.saga.transitions</c> (<c>mlops_saga_transitions_total{saga,state}</c>) counts committed moves into a state, so
/// flows started, completed and failed per saga are rates of it.
/// </summary>
public sealed class SagaStoreMetrics
{
    public const string MeterName = "Mlops.SagaStore";
    public const string IgnoredInstrument = "mlops.saga.messages.ignored";
    public const string TransitionsInstrument = "mlops.saga.transitions";

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
    private readonly Counter<long> _transitions;

    public SagaStoreMetrics(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        // The host's meter factory when there is one (services), a plain meter otherwise (tools, benchmarks).
        Meter = services.GetService<IMeterFactory>()?.Create(MeterName) ?? new Meter(MeterName);
        _ignored = Meter.CreateCounter<long>(IgnoredInstrument, unit: "{message}",
            description: "Messages acknowledged without changing a saga row, by saga type, event and reason");
        _transitions = Meter.CreateCounter<long>(TransitionsInstrument, unit: "{transition}",
            description: "Committed saga transitions into a new state, by saga type and the state entered");
    }

    /// <summary>The meter of this service's store (a listener can tell it from the stores of other hosts in one process).</summary>
    public Meter Meter { get; }

    /// <summary>Counts the state changes of a committed write; a write that stays in its state is no transition.</summary>
    internal void Transitioned(IEnumerable<Storage.StagedSagaWrite> writes)
    {
        foreach (var write in writes)
        {
            if (write.Write.History is { } history && history.ToState is { } state && history.ToState != history.FromState)
            {
                _transitions.Add(1, new KeyValuePair<string, object?>("saga", write.Map.Name),
                    new KeyValuePair<string, object?>("state", state));
            }
        }
    }

    internal void Ignored(string saga, string @event, string reason) =>
        _ignored.Add(1, new KeyValuePair<string, object?>("saga", saga), new KeyValuePair<string, object?>("event", @event),
            new KeyValuePair<string, object?>("reason", reason));
}
