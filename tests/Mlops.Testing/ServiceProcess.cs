using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Mlops.Testing;

/// <summary>
/// A service run as a real child process, for tests that must kill it: <c>dotnet &lt;Project&gt;.dll</c> from the build output
/// of the same configuration as the tests, with its settings as environment variables and <c>--urls http://127.0.0.1:&lt;free
/// port&gt;</c>. It captures every stdout/stderr line (for assertions, and printed when a wait fails), waits for
/// <c>GET /health/ready</c> to answer 200, can be SIGKILLed (<see cref="KillAsync"/>) and started again with the same settings,
/// data directory and port (<see cref="RestartAsync"/>), and is stopped and cleaned up on dispose.
/// </summary>
/// <example>
/// <code>
/// await using var service = await ServiceProcess.StartAsync("Mlops.ModelPromoter", new() { ["RABBITMQ_URL"] = vhost.AmqpUrl.ToString() });
/// await service.KillAsync();
/// await service.RestartAsync();
/// </code>
/// </example>
public sealed class ServiceProcess : IAsyncDisposable
{
    /// <summary>How long start-up may take before <see cref="WaitUntilReadyAsync"/> gives up.</summary>
    public static readonly TimeSpan DefaultReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly string _dll;
    private readonly Dictionary<string, string?> _settings;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly HttpClient _http;
    private Process? _process;

    private ServiceProcess(string project, string dll, Dictionary<string, string?> settings, int port)
    {
        Project = project;
        _dll = dll;
        _settings = settings;
        Port = port;
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        _http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(10) };
    }

    public string Project { get; }

    public int Port { get; }

    /// <summary>Where the service listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>A client of the service, with <see cref="BaseUrl"/> as its base address.</summary>
    public HttpClient Http => _http;

    /// <summary>Every line the process (and the processes before a restart) wrote, stdout and stderr, in order.</summary>
    public IReadOnlyList<string> Output => _output.ToArray();

    /// <summary>True while the current process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The exit code of the last process, once it exited.</summary>
    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>Starts <paramref name="project"/> (e.g. "Mlops.ModelPromoter") and waits until it is ready.</summary>
    public static async Task<ServiceProcess> StartAsync(string project, Dictionary<string, string?> settings, TimeSpan? readyTimeout = null)
    {
        var service = Launch(project, settings);
        try
        {
            await service.WaitUntilReadyAsync(readyTimeout);
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
        return service;
    }

    /// <summary>Starts <paramref name="project"/> without waiting for readiness, for tests of a service that must refuse to start.</summary>
    public static ServiceProcess Launch(string project, Dictionary<string, string?> settings)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(project);
        ArgumentNullException.ThrowIfNull(settings);
        var service = new ServiceProcess(project, FindDll(project), new Dictionary<string, string?>(settings), FreePort());
        service.StartProcess();
        return service;
    }

    /// <summary>Waits for <c>/health/ready</c> to answer 200; fails with the captured output if the process exits or time runs out.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultReadyTimeout;
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            if (_process is { HasExited: true } exited)
                throw Failure($"{Project} exited with code {exited.ExitCode} before it was ready");
            try
            {
                using var response = await _http.GetAsync(new Uri("health/ready", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }
            if (DateTime.UtcNow > deadline)
                throw Failure($"{Project} was not ready within {limit.TotalSeconds} s");
            await Task.Delay(200);
        }
    }

    /// <summary>Waits for the process to exit on its own, e.g. a service that refuses to start; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process!.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw Failure($"{Project} did not exit within {timeout.TotalSeconds} s");
        }
        return _process.ExitCode;
    }

    /// <summary>Kills the process (and anything it started) with SIGKILL, as a crash or an OOM kill would, and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (_process is not { HasExited: false } process)
            return;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    /// <summary>
    /// Stops the process with SIGTERM, as Kubernetes or systemd would, and waits until it exited: the host finishes what it
    /// handles and acknowledges it, so nothing is redelivered after it (which <see cref="KillAsync"/> does not promise).
    /// </summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        if (_process is not { HasExited: false } process)
            return;
        using (var terminate = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await terminate.WaitForExitAsync();
        await WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(30));
    }

    /// <summary>Starts the service again with the same settings, data and port (after <see cref="KillAsync"/> or an exit) and waits until it is ready.</summary>
    public async Task RestartAsync(TimeSpan? readyTimeout = null)
    {
        await KillAsync();
        _process?.Dispose();
        _output.Enqueue($"--- {Project} restarted ---");
        StartProcess();
        await WaitUntilReadyAsync(readyTimeout);
    }

    /// <summary>Waits until a line containing <paramref name="text"/> was written.</summary>
    public Task WaitForOutputAsync(string text, TimeSpan? timeout = null) =>
        Eventually.HoldsAsync(() => _output.Any(l => l.Contains(text, StringComparison.Ordinal)), $"{Project} writes \"{text}\"", timeout);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        _http.Dispose();
    }

    private void StartProcess()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(_dll)!,
        };
        start.ArgumentList.Add(_dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{Port}");
        // A child of the test run must not pick up the test host's own settings.
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in _settings)
        {
            // Configuration keys with ':' are written with '__' in environment variables.
            var name = key.Replace(":", "__", StringComparison.Ordinal);
            if (value is null)
                start.Environment.Remove(name);
            else
                start.Environment[name] = value;
        }
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Capture(e.Data);
        process.ErrorDataReceived += (_, e) => Capture(e.Data);
        if (!process.Start())
            throw new InvalidOperationException($"Could not start dotnet {_dll}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    private void Capture(string? line)
    {
        if (line is not null)
            _output.Enqueue(line);
    }

    private TimeoutException Failure(string what) =>
        new($"{what}. Its output:\n{string.Join('\n', _output.TakeLast(80))}");

    /// <summary>The built dll of <paramref name="project"/>, in the configuration (Debug or Release) these tests were built in.</summary>
    private static string FindDll(string project)
    {
        var root = TestEnvironment.RepositoryRoot;
        var projectFile = Directory.EnumerateFiles(root, project + ".csproj", SearchOption.AllDirectories)
            .FirstOrDefault(p => !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            ?? throw new FileNotFoundException($"No project {project}.csproj under {root}.");
        // The tests run from bin/<Configuration>/<framework>/: the service is taken from the same configuration and framework.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var dll = Path.Combine(Path.GetDirectoryName(projectFile)!, "bin", configuration, framework, project + ".dll");
        return File.Exists(dll)
            ? dll
            : throw new FileNotFoundException($"{dll} is not built: build {project} in {configuration} first (./test.sh builds the solution).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
