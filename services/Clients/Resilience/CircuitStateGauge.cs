using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Polly.CircuitBreaker;

namespace Mlops.Clients.Resilience;

/// <summary>
/// The state of each outside system's circuit breaker as the gauge <c>mlops.outside.circuit.state</c> (Prometheus:
/// <c>mlops_outside_circuit_state{system="mlflow"}</c>): 0 closed, 1 open, 2 half-open, 3 isolated.
/// </summary>
public sealed class CircuitStateGauge : IDisposable
{
    public const string MeterName = "Mlops.Clients";
    public const string InstrumentName = "mlops.outside.circuit.state";

    private readonly ConcurrentDictionary<string, CircuitBreakerStateProvider> _breakers = new(StringComparer.Ordinal);
    private readonly Meter _meter;

    public CircuitStateGauge(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _meter.CreateObservableGauge(InstrumentName, Observe, unit: null,
            description: "Circuit breaker state per outside system: 0 closed, 1 open, 2 half-open, 3 isolated.");
    }

    /// <summary>The state provider the breaker of <paramref name="system"/> reports through; one per system.</summary>
    public CircuitBreakerStateProvider For(string system) => _breakers.GetOrAdd(system, _ => new CircuitBreakerStateProvider());

    /// <summary>The breaker's state now; closed for a system whose breaker has not been built yet.</summary>
    public CircuitState StateOf(string system) =>
        _breakers.TryGetValue(system, out var provider) ? provider.CircuitState : CircuitState.Closed;

    private IEnumerable<Measurement<int>> Observe() =>
        _breakers.Keys.Order(StringComparer.Ordinal)
            .Select(system => new Measurement<int>((int)StateOf(system), new KeyValuePair<string, object?>("system", system)));

    public void Dispose() => _meter.Dispose();
}
