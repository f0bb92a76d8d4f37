using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Mlops.Testing;

/// <summary>
/// A meter factory that outlives every host in the test process. MassTransit keeps the meter it
/// creates for the first host in a static; with the host's own factory that meter dies with the
/// first host, and later hosts in the same process would export no MassTransit metrics. Every
/// host a test starts must use it, or <see cref="HostMeterFactory"/>, which takes MassTransit's
/// meter from here. In production there is one host per process, so this only restores what
/// production has.
/// </summary>
public sealed class ProcessMeterFactory : IMeterFactory
{
    public static readonly ProcessMeterFactory Instance = new();

    private readonly ConcurrentDictionary<(string, string?), Meter> _meters = new();

    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return _meters.GetOrAdd((options.Name, options.Version), _ => new Meter(options.Name, options.Version));
    }

    public void Dispose()
    {
        // Lives as long as the process.
    }
}
