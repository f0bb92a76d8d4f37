using System.Net;
using Mlops.Testing;

namespace Mlops.Run.Tests;

/// <summary>
/// One <c>./run.sh --once --fresh</c> from the repository root, as a newcomer types it, but in a run directory, RabbitMQ
/// vhost and loopback port range of its own (<c>MLOPS_RUN_DIR</c>, <c>MLOPS_RUN_VHOST</c>, <c>MLOPS_RUN_PORT_BASE</c>) so a
/// developer's own <c>.run</c> and running demo are never touched. Its exit code, output and the files it wrote are kept
/// for the specs; the run directory and vhost are removed afterwards.
/// </summary>
public class RunOnce : IAsyncLifetime
{
    /// <summary>Longer than run.sh's own flow timeout (600 s) plus a build, so run.sh reports its own failure first.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    private readonly Lock _visitLock = new();
    private readonly IReadOnlyDictionary<string, string> _environment;
    private RabbitMqVirtualHost? _vhost;
    private ScriptRun? _run;
    private Task? _dashboardVisit;

    public RunOnce()
        : this(new Dictionary<string, string>())
    {
    }

    /// <summary>A run with more environment variables for run.sh.</summary>
    protected RunOnce(IReadOnlyDictionary<string, string> environment) => _environment = environment;

    public string RunDirectory { get; } = Directory.CreateTempSubdirectory("mlops-run-").FullName;

    public int PortBase { get; private set; }

    public int ExitCode => _run?.ExitCode ?? -1;

    /// <summary>stdout and stderr as they came, one string.</summary>
    public string Output => _run?.Output ?? "";

    /// <summary>The dashboard's page and its overview as fetched while the run ran (once run.sh printed its endpoints), or why not.</summary>
    public (HttpStatusCode Status, string Body)? DashboardPage { get; private set; }

    public (HttpStatusCode Status, string Body)? DashboardOverview { get; private set; }

    public string? DashboardProblem { get; private set; }

    public IReadOnlyList<string> Lines => Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>run.sh's arguments.</summary>
    protected virtual IReadOnlyList<string> Arguments => ["--once", "--fresh"];

    /// <summary>What a run does with run.sh while it runs (the process id given), beside waiting for its exit.</summary>
    protected virtual Task WhileRunningAsync(int processId, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _vhost = await RabbitMqVirtualHost.CreateAsync("run");
        PortBase = LoopbackPorts.FreeRange(20);
        var environment = new Dictionary<string, string>
        {
            ["MLOPS_RUN_DIR"] = RunDirectory,
            ["MLOPS_RUN_VHOST"] = _vhost.Name,
            ["MLOPS_RUN_PORT_BASE"] = PortBase.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RABBITMQ_URL"] = TestEnvironment.RabbitMqUrl.ToString(),
            ["RABBITMQ_MANAGEMENT_URL"] = TestEnvironment.RabbitMqManagementUrl.ToString().TrimEnd('/'),
        };
        foreach (var (name, value) in _environment)
            environment[name] = value;
        _run = ScriptRun.Start(["run.sh", .. Arguments], environment, OnLine);
        await _run.WaitForExitAsync(Timeout, cancellationToken => WhileRunningAsync(_run.ProcessId, cancellationToken));
        if (_dashboardVisit is not null)
            await _dashboardVisit;
    }

    /// <summary>The <c>&lt;name&gt; &lt;value&gt;</c> lines of a file run.sh wrote in the run directory.</summary>
    public IReadOnlyDictionary<string, string> Pairs(string file) =>
        File.ReadAllLines(Path.Combine(RunDirectory, file))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");

    /// <summary>Processes that mention the run directory in their command line or environment: what the run started.</summary>
    public IReadOnlyList<string> ProcessesOfTheRun()
    {
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
                continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                var environ = File.ReadAllText(Path.Combine(dir, "environ"));
                if (cmdline.Contains(RunDirectory, StringComparison.Ordinal) || environ.Contains(RunDirectory, StringComparison.Ordinal))
                    found.Add($"{pid}: {cmdline.Trim()}");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }
        return found;
    }

    public virtual async Task DisposeAsync()
    {
        _run?.Dispose();
        if (_vhost is not null)
            await _vhost.DisposeAsync();
        try
        {
            Directory.Delete(RunDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left in /tmp; the next boot clears it.
        }
    }

    private void OnLine(string line)
    {
        lock (_visitLock)
        {
            // run.sh prints its endpoints once every process, the dashboard too, answers; the flow runs after that.
            if (_dashboardVisit is null && line.StartsWith("Endpoints (", StringComparison.Ordinal))
                _dashboardVisit = Task.Run(VisitDashboardAsync);
        }
    }

    private async Task VisitDashboardAsync()
    {
        try
        {
            var url = new Uri(Pairs("endpoints")["dashboard"].TrimEnd('/') + "/");
            using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
            using (var page = await http.GetAsync(""))
                DashboardPage = (page.StatusCode, await page.Content.ReadAsStringAsync());
            using var overview = await http.GetAsync("api/overview");
            DashboardOverview = (overview.StatusCode, await overview.Content.ReadAsStringAsync());
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or KeyNotFoundException or IOException or UriFormatException)
        {
            DashboardProblem = ex.ToString();
        }
    }
}
