using System.Globalization;

namespace Mlops.Flow.Benchmarks;

/// <summary>
/// CPU seconds (user + system, /proc/&lt;pid&gt;/stat) used by each service and by the sandbox's process group (its
/// stand-ins and the s3rver under it): read before and after a batch, they say which process the machine's two cores
/// worked for.
/// </summary>
internal static class ProcessCpu
{
    // USER_HZ: the unit of utime and stime, 100 on Linux.
    private const double TicksPerSecond = 100;

    /// <summary>CPU seconds so far of each named process group (a group is its leader's pid and every process in it).</summary>
    public static IReadOnlyDictionary<string, double> Read(IReadOnlyDictionary<string, int> groups)
    {
        var seconds = groups.Keys.ToDictionary(k => k, _ => 0.0, StringComparer.Ordinal);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _))
                continue;
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue; // Gone meanwhile.
            }
            // Fields after "(comm)": state ppid pgrp session … utime (14th of the line) stime (15th).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var group = int.Parse(fields[2], CultureInfo.InvariantCulture);
            foreach (var (name, leader) in groups)
            {
                if (group == leader)
                    seconds[name] += (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
            }
        }
        return seconds;
    }
}
