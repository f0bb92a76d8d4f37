using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Mlops.ModelPromoter.Sagas;

namespace Mlops.ModelPromoter.Triggers;

/// <summary>
/// When each trigger source was last heard from, as the gauge <c>mlops_promotion_trigger_last_seen_seconds{source}</c> (Unix
/// seconds; 0 until the source speaks after a start), so an operator sees a source that went silent.
/// </summary>
public sealed class TriggerActivity : IDisposable
{
    public const string MeterName = "Mlops.ModelPromoter";

    public const string InstrumentName = "mlops.promotion.trigger.last_seen";

    private readonly ConcurrentDictionary<string, long> _lastSeen = new(StringComparer.Ordinal);
    private readonly Meter _meter;
    private readonly TimeProvider _time;

    public TriggerActivity(TimeProvider time)
    {
        _time = time;
        foreach (var source in PromotionTriggers.Sources)
            _lastSeen[source] = 0;
        // A meter of this instance's own, gone with it: a meter factory shares meters by name, so a gauge of an
        // earlier host in the same process would otherwise go on reporting its values.
        _meter = new Meter(MeterName);
        _meter.CreateObservableGauge(InstrumentName, Observe, unit: "s",
            description: "When each promotion trigger source (ModelRegistered, minio, webhook, reconciliation, PromoteModel) was last heard from, in Unix seconds.");
    }

    /// <summary>Records that <paramref name="source"/> (one of <see cref="PromotionTriggers.Sources"/>) delivered an event now.</summary>
    public void Seen(string source) => _lastSeen[source] = _time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>When <paramref name="source"/> was last heard from, or null.</summary>
    public DateTimeOffset? LastSeen(string source) =>
        _lastSeen.TryGetValue(source, out var seconds) && seconds > 0 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    private IEnumerable<Measurement<long>> Observe() =>
        _lastSeen.Select(entry => new Measurement<long>(entry.Value, new KeyValuePair<string, object?>("source", entry.Key)));

    public void Dispose() => _meter.Dispose();
}
