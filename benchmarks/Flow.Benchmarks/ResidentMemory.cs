using System.Globalization;

namespace Mlops.Flow.Benchmarks;

/// <summary>
/// Each service process's resident memory (VmRSS in /proc/&lt;pid&gt;/status): read once idle, and sampled every
/// <see cref="Interval"/> while load runs, keeping each process's peak.
/// </summary>
internal sealed class ResidentMemory : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private readonly IReadOnlyDictionary<string, int> _pids;
    private readonly Dictionary<string, double> _peak = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private CancellationTokenSource? _sampling;
    private Task? _sampler;

    public ResidentMemory(IReadOnlyDictionary<string, int> pids) => _pids = pids;

    /// <summary>Each service's VmRSS now, in MB (MiB).</summary>
    public IReadOnlyDictionary<string, double> Now() => _pids.ToDictionary(p => p.Key, p => ReadMb(p.Value));

    public IReadOnlyDictionary<string, double> Peak
    {
        get
        {
            lock (_gate)
                return new Dictionary<string, double>(_peak);
        }
    }

    public void StartSampling()
    {
        _sampling = new CancellationTokenSource();
        var token = _sampling.Token;
        _sampler = Task.Run(async () =>
        {
            while (!token.IsCancellationRequested)
            {
                foreach (var (name, mb) in Now())
                {
                    lock (_gate)
                        _peak[name] = Math.Max(_peak.GetValueOrDefault(name), mb);
                }
                try
                {
                    await Task.Delay(Interval, token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }, CancellationToken.None);
    }

    public async Task StopSamplingAsync()
    {
        if (_sampling is null || _sampler is null)
            return;
        await _sampling.CancelAsync();
        await _sampler;
        _sampling.Dispose();
        _sampling = null;
    }

    private static double ReadMb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (!line.StartsWith("VmRSS:", StringComparison.Ordinal))
                continue;
            var kb = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            return kb / 1024.0;
        }
        throw new InvalidOperationException($"/proc/{pid}/status has no VmRSS line: is process {pid} a zombie?");
    }

    /// <summary>
    /// The dotnet process of a service started as <c>setsid env … dotnet x.dll</c>: the pid itself once exec'd, or else the
    /// process of its group that runs the assembly.
    /// </summary>
    public static int ServiceProcess(int pid, string assembly)
    {
        if (CommandLine(pid).Contains(assembly, StringComparison.Ordinal))
            return pid;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var candidate))
                continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[2] == pid.ToString(CultureInfo.InvariantCulture) && CommandLine(candidate).Contains(assembly, StringComparison.Ordinal))
                    return candidate;
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
        }
        throw new InvalidOperationException($"no process of group {pid} runs {assembly}");
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }

    public async ValueTask DisposeAsync() => await StopSamplingAsync();
}
