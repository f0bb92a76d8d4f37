using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Mlops.Testing;

/// <summary>
/// Records what one meter's instruments measure, with their tags. It listens to that meter instance only: hosts of tests
/// running in parallel create meters of the same name, which /metrics may mix.
/// </summary>
/// <example><code>using var recorder = new MeterRecorder(host.Services.GetRequiredService&lt;RolloutDurations&gt;().Meter);</code></example>
public sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, IReadOnlyDictionary<string, string> Tags)> _measurements = new();

    public MeterRecorder(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The values <paramref name="instrument"/> measured whose tags include every one of <paramref name="tags"/>.</summary>
    public IReadOnlyList<double> Values(string instrument, params (string Key, string Value)[] tags) =>
        _measurements
            .Where(m => m.Instrument == instrument && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && v == t.Value))
            .Select(m => m.Value)
            .ToList();

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags)
            map[tag.Key] = tag.Value?.ToString() ?? "";
        _measurements.Enqueue((instrument.Name, value, map));
    }
}
