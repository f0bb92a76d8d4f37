using System.Collections.Concurrent;
using System.Diagnostics;
using Mlops.Testing;

namespace Mlops.Dashboard.Tests;

/// <summary>
/// <c>mlopsctl dashboard --port 0</c> as a real child process, from mlopsctl's build output of the tests' configuration, with
/// its settings as environment variables (no config file or <c>.run</c> folder of the machine is read: home and working
/// directory are empty folders of its own). <see cref="Url"/> is the address it printed; dispose stops it.
/// </summary>
public sealed class DashboardProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly string _home;
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DashboardProcess(Process process, string home)
    {
        _process = process;
        _home = home;
    }

    /// <summary>Where the dashboard listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Every line it wrote, stdout and stderr.</summary>
    public IReadOnlyList<string> Output => _output.ToArray();

    /// <summary>Starts the dashboard with <paramref name="environment"/> (MLOPS_…_URL, MLOPS_TOKEN, …) on a free port and waits until it listens.</summary>
    public static async Task<DashboardProcess> StartAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var dashboard = Launch(environment, arguments.Contains("--port") ? arguments : ["--port", "0", .. arguments]);
        try
        {
            dashboard.Url = await dashboard._listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await dashboard.DisposeAsync();
            throw;
        }
        return dashboard;
    }

    /// <summary>Starts <c>mlopsctl dashboard</c> with <paramref name="arguments"/> without waiting, for a start that must fail.</summary>
    public static DashboardProcess Launch(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var home = Directory.CreateTempSubdirectory("mlops-dashboard-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = home,
        };
        start.ArgumentList.Add(MlopsctlDll());
        start.ArgumentList.Add("dashboard");
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MLOPS_", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        start.Environment["HOME"] = home;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        var dashboard = new DashboardProcess(new Process { StartInfo = start, EnableRaisingEvents = true }, home);
        dashboard._process.OutputDataReceived += (_, e) => dashboard.Capture(e.Data);
        dashboard._process.ErrorDataReceived += (_, e) => dashboard.Capture(e.Data);
        dashboard._process.Exited += (_, _) => dashboard._listening.TrySetException(new InvalidOperationException(
            $"mlopsctl dashboard exited with code {dashboard._process.ExitCode} before it listened:\n{string.Join('\n', dashboard.Output)}"));
        dashboard._process.Start();
        dashboard._process.BeginOutputReadLine();
        dashboard._process.BeginErrorReadLine();
        return dashboard;
    }

    /// <summary>Waits for the process to end on its own; answers its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    /// <summary>Stops it as Ctrl-C or a process manager would (SIGTERM) and answers its exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]).WaitForExit();
            return await WaitForExitAsync(TimeSpan.FromSeconds(20));
        }
        return _process.ExitCode;
    }

    private void Capture(string? line)
    {
        if (line is null)
            return;
        _output.Enqueue(line);
        const string listening = "Dashboard listening on ";
        if (line.StartsWith(listening, StringComparison.Ordinal))
            _listening.TrySetResult(new Uri(line[listening.Length..].Trim()));
    }

    private static string MlopsctlDll()
    {
        // The tests run from bin/<Configuration>/<framework>/: mlopsctl is taken from the same configuration and framework.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(TestEnvironment.RepositoryRoot, "tools", "mlopsctl", "bin", testOutput.Parent!.Name, testOutput.Name, "mlopsctl.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} is not built: build tools/mlopsctl first (the test project references it).");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_home, recursive: true);
    }
}
