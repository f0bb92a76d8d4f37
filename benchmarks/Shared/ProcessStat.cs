using System.Globalization;

namespace Mlops.Benchmarks.Shared;

/// <summary>
/// One process's line of <c>/proc/&lt;pid&gt;/stat</c>, as both benchmarks read it to say which process the cores worked
/// for: its command name, its process group and the CPU seconds (user + system) it used so far.
/// </summary>
internal readonly record struct ProcessStat(string Name, int Group, double CpuSeconds)
{
    // USER_HZ: the unit of /proc's CPU times, 100 on Linux.
    public const double TicksPerSecond = 100;

    /// <summary>The process under <paramref name="directory"/> (<c>/proc/1234</c>, <c>/proc/self</c>); null once it is gone or unreadable.</summary>
    public static ProcessStat? Read(string directory)
    {
        string stat;
        try
        {
            stat = File.ReadAllText(Path.Combine(directory, "stat"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // "pid (comm) state ppid pgrp …": after the command, pgrp is the 3rd field, utime and stime the 12th and 13th.
        var open = stat.IndexOf('(', StringComparison.Ordinal);
        var close = stat.LastIndexOf(')');
        var fields = stat[(close + 2)..].Split(' ');
        return new ProcessStat(
            stat[(open + 1)..close],
            int.Parse(fields[2], CultureInfo.InvariantCulture),
            (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond);
    }

    /// <summary>Every process there is now.</summary>
    public static IEnumerable<ProcessStat> All()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out _) && Read(directory) is { } process)
                yield return process;
        }
    }
}
