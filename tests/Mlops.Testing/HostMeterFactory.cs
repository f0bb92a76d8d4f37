using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Mlops.Testing;

/// <summary>
/// One host's meters: the product's own (<c>Mlops.*</c>) are this host's alone, so a test's <see cref="MeterRecorder"/>
/// counts what its own host measured even while other hosts in the process measure the same instruments; every other
/// meter (MassTransit's, which it keeps in a static) comes from <see cref="ProcessMeterFactory"/>. Disposed with the host.
/// </summary>
public sealed class HostMeterFactory : IMeterFactory
{
    private readonly ConcurrentDictionary<(string, string?), Meter> _meters = new();

    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Name.StartsWith("Mlops.", StringComparison.Ordinal))
            return ProcessMeterFactory.Instance.Create(options);
        return _meters.GetOrAdd((options.Name, options.Version), _ => new Meter(options.Name, options.Version));
    }

    public void Dispose()
    {
        foreach (var meter in _meters.Values)
            meter.Dispose();
        _meters.Clear();
    }
}
