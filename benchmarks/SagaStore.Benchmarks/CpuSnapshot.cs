using System.Globalization;
using Mlops.Benchmarks.Shared;

namespace Mlops.SagaStore.Benchmarks;

/// <summary>
/// CPU seconds (user + system, from /proc) used so far by this process, by the PostgreSQL server (every process named
/// <c>postgres</c>) and by RabbitMQ (<c>beam.smp</c>), and the machine's idle seconds. Two snapshots around a measurement
/// say which process the cores worked for, per transition: the three share this machine's cores, so a store that is slow
/// because its client burns CPU looks different from one that waits on its server or on the disk. Zero where /proc is missing.
/// </summary>
internal sealed record CpuSnapshot(double Benchmark, double Postgres, double RabbitMq, double Idle)
{
    public static CpuSnapshot Take()
    {
        if (!File.Exists("/proc/stat"))
            return new CpuSnapshot(0, 0, 0, 0);
        var processes = ProcessStat.All().ToList();
        // "cpu  user nice system idle iowait …": idle and iowait are the time no process had a core.
        var total = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var idle = (long.Parse(total[4], CultureInfo.InvariantCulture) + long.Parse(total[5], CultureInfo.InvariantCulture)) / ProcessStat.TicksPerSecond;
        return new CpuSnapshot(
            ProcessStat.Read("/proc/self")?.CpuSeconds ?? 0,
            processes.Where(p => p.Name == "postgres").Sum(p => p.CpuSeconds),
            processes.Where(p => p.Name == "beam.smp").Sum(p => p.CpuSeconds),
            idle);
    }

    public CpuSnapshot Since(CpuSnapshot before) =>
        new(Benchmark - before.Benchmark, Postgres - before.Postgres, RabbitMq - before.RabbitMq, Idle - before.Idle);
}
