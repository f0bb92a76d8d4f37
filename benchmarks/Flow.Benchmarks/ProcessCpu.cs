using Mlops.Benchmarks.Shared;

namespace Mlops.Flow.Benchmarks;

/// <summary>
/// CPU seconds (user + system, /proc/&lt;pid&gt;/stat) used by each service and by the sandbox's process group (its
/// stand-ins and the s3rver under it): read before and after a batch, they say which process the machine's two cores
/// worked for.
/// </summary>
internal static class ProcessCpu
{
    /// <summary>CPU seconds so far of each named process group (a group is its leader's pid and every process in it).</summary>
    public static IReadOnlyDictionary<string, double> Read(IReadOnlyDictionary<string, int> groups)
    {
        var seconds = groups.Keys.ToDictionary(k => k, _ => 0.0, StringComparer.Ordinal);
        foreach (var process in ProcessStat.All())
        {
            foreach (var (name, leader) in groups)
            {
                if (process.Group == leader)
                    seconds[name] += process.CpuSeconds;
            }
        }
        return seconds;
    }
}
