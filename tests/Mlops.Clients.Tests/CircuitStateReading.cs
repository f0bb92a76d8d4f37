using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Mlops.Clients.Resilience;

namespace Mlops.Clients.Tests;

/// <summary>Reads the circuit-state gauge of one host, as a metrics exporter would, through a <see cref="MeterListener"/>.</summary>
public static class CircuitStateReading
{
    /// <summary>The gauge's value for <paramref name="system"/>; null when the host reports none.</summary>
    public static int? Read(IServiceProvider services, string system)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        int? value = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == CircuitStateGauge.InstrumentName && ReferenceEquals(instrument.Meter.Scope, factory))
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((_, measurement, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "system" && Equals(tag.Value, system))
                    value = measurement;
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return value;
    }
}
