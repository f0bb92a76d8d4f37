using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Mlops.SagaStore.Tests;

/// <summary>Listens to one host's <c>mlops.saga.messages.ignored</c> counter, by event and reason.</summary>
public sealed class IgnoredMessages : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Saga, string Event, string Reason), long> _counts = new();

    private IgnoredMessages(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Only this host's store: other hosts in the test process have meters of the same name.
            if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == SagaStoreMetrics.IgnoredInstrument)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var all = tags.ToArray();
            string Tag(string name) => all.FirstOrDefault(t => t.Key == name).Value?.ToString() ?? "";
            _counts.AddOrUpdate((Tag("saga"), Tag("event"), Tag("reason")), value, (_, n) => n + value);
        });
        _listener.Start();
    }

    public static IgnoredMessages Of(SagaHost host) => new(host.Services.GetRequiredService<SagaStoreMetrics>().Meter);

    public long Count(string @event, string reason) =>
        _counts.Where(c => c.Key.Event == @event && c.Key.Reason == reason).Sum(c => c.Value);

    public void Dispose() => _listener.Dispose();
}
