using System.Globalization;

namespace Mlops.SagaStore.Benchmarks;

/// <summary>
/// CPU seconds (user + system, from /proc) used so far by this process, by the PostgreSQL server (every process named
/// <c>postgres</c>) and by RabbitMQ (<c>beam.smp</c>), and the machine's idle seconds. Two snapshots around a measurement
/// say which process the cores worked for, per transition: the three share this machine's cores, so a store that is slow
/// because its client burns CPU looks different from one that waits on its server or on the disk. Zero where /proc is missing.
/// </summary>
internal sealed record CpuSnapshot(double Benchmark, double Postgres, double RabbitMq, double Idle)
{
    // USER_HZ: the unit of /proc's CPU times, 100 on Linux.
    private const double TicksPerSecond = 100;

    public static CpuSnapshot Take()
    {
        if (!File.Exists("/proc/stat"))
            return new CpuSnapshot(0, 0, 0, 0);
        double postgres = 0, rabbitMq = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _))
                continue;
            var seconds = ProcessSeconds(dir, out var name);
            if (name == "postgres")
                postgres += seconds;
            else if (name == "beam.smp")
                rabbitMq += seconds;
        }
        // "cpu  user nice system idle iowait …": idle and iowait are the time no process had a core.
        var total = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var idle = (long.Parse(total[4], CultureInfo.InvariantCulture) + long.Parse(total[5], CultureInfo.InvariantCulture)) / TicksPerSecond;
        return new CpuSnapshot(ProcessSeconds("/proc/self", out _), postgres, rabbitMq, idle);
    }

    public CpuSnapshot Since(CpuSnapshot before) =>
        new(Benchmark - before.Benchmark, Postgres - before.Postgres, RabbitMq - before.RabbitMq, Idle - before.Idle);

    private static double ProcessSeconds(string dir, out string? name)
    {
        name = null;
        string stat;
        try
        {
            stat = File.ReadAllText(Path.Combine(dir, "stat"));
        }
        catch (IOException)
        {
            return 0; // Gone meanwhile.
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
        // "pid (comm) state ppid …": utime and stime are the 12th and 13th fields after the command.
        var open = stat.IndexOf('(', StringComparison.Ordinal);
        var close = stat.LastIndexOf(')');
        name = stat[(open + 1)..close];
        var fields = stat[(close + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }
}
