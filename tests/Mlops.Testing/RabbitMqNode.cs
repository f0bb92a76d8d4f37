using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Mlops.Testing;

/// <summary>
/// A RabbitMQ node of a test's own, for tests that stop and restart the broker: the shared broker on 5672 carries every other
/// test and must never be stopped. The node is a second <c>rabbitmq-server</c> from the installed binaries with its own node
/// name (<c>mlops-test-&lt;random&gt;@localhost</c>), AMQP, management and distribution ports (free loopback ports, bound to
/// 127.0.0.1 only), and its own data, logs, config, enabled-plugins file and Erlang cookie in a temporary directory; its only
/// user is <see cref="User"/> (no guest), administrator with full permissions on vhost "/".
/// </summary>
/// <remarks>
/// <see cref="StopAsync"/> is a clean <c>rabbitmqctl stop</c>, so durable queues and persistent messages are there after
/// <see cref="StartAgainAsync"/>, which starts the node on the same data and ports (clients reconnect to the same URL).
/// Start-up waits for <c>rabbitmqctl await_startup</c> and the management API; a node that does not come up fails with the
/// tail of its output and log. Disposing stops the node (SIGKILL to its processes if a clean stop fails) and deletes its
/// directory.
/// </remarks>
/// <example>
/// <code>
/// await using var node = await RabbitMqNode.StartAsync();
/// // services and clients use node.AmqpUrl; queues are read through node.ManagementUrl with node.User and node.Password
/// await node.StopAsync();
/// await node.StartAgainAsync();
/// </code>
/// </example>
public sealed class RabbitMqNode : IAsyncDisposable
{
    /// <summary>How long a start may take: a cold node on a busy two-core machine needs 10–30 s.</summary>
    public static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(120);

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    // Debian's /usr/sbin wrappers switch to the rabbitmq user and drop this node's environment: the real scripts are here.
    private static readonly string[] s_scriptDirectories = ["/usr/lib/rabbitmq/bin", "/usr/local/sbin", "/usr/sbin", "/opt/rabbitmq/sbin"];

    private readonly string _directory;
    private readonly int _distributionPort;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _server;

    private RabbitMqNode(string directory, int firstPort)
    {
        _directory = directory;
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        NodeName = $"mlops-test-{id}@localhost";
        User = $"mlops-test-{id}";
        Password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        AmqpPort = firstPort;
        ManagementPort = firstPort + 1;
        _distributionPort = firstPort + 2;
    }

    /// <summary>The Erlang node name, e.g. <c>mlops-test-1a2b3c4d@localhost</c>.</summary>
    public string NodeName { get; }

    public string User { get; }

    public string Password { get; }

    public int AmqpPort { get; }

    public int ManagementPort { get; }

    /// <summary><c>amqp://User:Password@127.0.0.1:AmqpPort/</c>, vhost "/".</summary>
    public Uri AmqpUrl => new UriBuilder("amqp", "127.0.0.1", AmqpPort, "/")
    {
        UserName = Uri.EscapeDataString(User),
        Password = Uri.EscapeDataString(Password),
    }.Uri;

    /// <summary><c>http://127.0.0.1:ManagementPort/</c>, without credentials: the API takes <see cref="User"/> and <see cref="Password"/> as basic auth.</summary>
    public Uri ManagementUrl => new($"http://127.0.0.1:{ManagementPort}/");

    /// <summary>True while the node's server process runs.</summary>
    public bool IsRunning => _server is { HasExited: false };

    /// <summary>Starts a new node and waits until it takes connections and its management API answers.</summary>
    public static async Task<RabbitMqNode> StartAsync(TimeSpan? timeout = null)
    {
        var node = new RabbitMqNode(Directory.CreateTempSubdirectory("mlops-rabbitmq-").FullName, LoopbackPorts.FreeRange(3, offset: 80));
        try
        {
            node.WriteConfiguration();
            await node.LaunchAsync(timeout ?? DefaultStartTimeout);
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
        return node;
    }

    /// <summary>Stops the node cleanly (<c>rabbitmqctl stop</c>) and waits until its processes are gone; its data stays.</summary>
    public async Task StopAsync()
    {
        if (!IsRunning)
            return;
        var (exitCode, output) = await RabbitMqCtlAsync(StopTimeout, "stop", PidFile);
        if (exitCode != 0)
            throw Failure($"rabbitmqctl stop failed with code {exitCode}: {output}");
        using var wait = new CancellationTokenSource(StopTimeout);
        try
        {
            await _server!.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            throw Failure($"{NodeName} did not exit within {StopTimeout.TotalSeconds} s of rabbitmqctl stop");
        }
        _output.Enqueue($"--- {NodeName} stopped ---");
    }

    /// <summary>Starts the stopped node again on the same data, user and ports, and waits until it is up.</summary>
    public async Task StartAgainAsync(TimeSpan? timeout = null)
    {
        if (IsRunning)
            throw new InvalidOperationException($"{NodeName} is running; stop it first.");
        _server?.Dispose();
        _output.Enqueue($"--- {NodeName} started again ---");
        await LaunchAsync(timeout ?? DefaultStartTimeout);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or IOException)
        {
            // A node that does not stop is killed below; its data is thrown away anyway.
        }
        KillEverything();
        _server?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying process: the temp directory is cleaned by the system later.
        }
    }

    private string PidFile => Path.Combine(_directory, "node.pid");

    private string LogFile => Path.Combine(_directory, "log", NodeName + ".log");

    private void WriteConfiguration()
    {
        // The node's own cookie, readable by its owner only (Erlang refuses it otherwise), shared with rabbitmqctl through HOME.
        var cookie = Path.Combine(_directory, ".erlang.cookie");
        File.WriteAllText(cookie, Convert.ToHexString(RandomNumberGenerator.GetBytes(20)));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(cookie, UnixFileMode.UserRead);
        // The first boot creates this user instead of guest; it stays in the node's data for the starts after.
        File.WriteAllText(Path.Combine(_directory, "rabbitmq.conf"), string.Join('\n',
            $"listeners.tcp.1 = 127.0.0.1:{AmqpPort}",
            "management.tcp.ip = 127.0.0.1",
            $"management.tcp.port = {ManagementPort}",
            "distribution.listener.interface = 127.0.0.1",
            $"default_user = {User}",
            $"default_pass = {Password}",
            "default_user_tags.administrator = true",
            "default_vhost = /",
            "default_permissions.configure = .*",
            "default_permissions.read = .*",
            "default_permissions.write = .*",
            ""));
        File.WriteAllText(Path.Combine(_directory, "enabled_plugins"), "[rabbitmq_management].\n");
        // An empty env file, so /etc/rabbitmq/rabbitmq-env.conf (the shared node's) is not read.
        File.WriteAllText(Path.Combine(_directory, "rabbitmq-env.conf"), "");
    }

    private async Task LaunchAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var start = new ProcessStartInfo(Script("rabbitmq-server"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        SetEnvironment(start);
        start.Environment["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
        start.Environment["RABBITMQ_NODE_PORT"] = AmqpPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["RABBITMQ_DIST_PORT"] = _distributionPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(_directory, "mnesia");
        start.Environment["RABBITMQ_LOG_BASE"] = Path.Combine(_directory, "log");
        start.Environment["RABBITMQ_CONFIG_FILE"] = Path.Combine(_directory, "rabbitmq.conf");
        start.Environment["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(_directory, "advanced.config");
        start.Environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_directory, "enabled_plugins");
        start.Environment["RABBITMQ_PID_FILE"] = PidFile;
        var server = new Process { StartInfo = start };
        server.OutputDataReceived += (_, e) => Capture(e.Data);
        server.ErrorDataReceived += (_, e) => Capture(e.Data);
        if (!server.Start())
            throw new InvalidOperationException($"Could not start {start.FileName}");
        server.StandardInput.Close();
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        _server = server;

        // await_startup fails at once while the Erlang node is not registered yet, so it is asked until it answers.
        using var again = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        while (true)
        {
            if (server.HasExited)
                throw Failure($"{NodeName} exited with code {server.ExitCode} while starting");
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw Failure($"{NodeName} did not start within {timeout.TotalSeconds} s");
            var (exitCode, _) = await RabbitMqCtlAsync(left, "await_startup", "--timeout", "10");
            if (exitCode == 0)
                break;
            await again.WaitForNextTickAsync();
        }
        await WaitForManagementAsync(deadline - DateTime.UtcNow);
    }

    private async Task WaitForManagementAsync(TimeSpan timeout)
    {
        using var management = new HttpClient { BaseAddress = ManagementUrl, Timeout = TimeSpan.FromSeconds(5) };
        management.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}")));
        try
        {
            await Eventually.HoldsAsync(async () =>
            {
                using var response = await management.GetAsync(new Uri("api/overview", UriKind.Relative));
                return response.IsSuccessStatusCode;
            }, $"the management API of {NodeName} answers", timeout > TimeSpan.Zero ? timeout : TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(250));
        }
        catch (TimeoutException ex)
        {
            throw Failure(ex.Message);
        }
    }

    /// <summary>Runs <c>rabbitmqctl -n NodeName args</c> with the node's cookie; answers its exit code and output.</summary>
    private async Task<(int ExitCode, string Output)> RabbitMqCtlAsync(TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(Script("rabbitmqctl"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        SetEnvironment(start);
        start.ArgumentList.Add("-q");
        start.ArgumentList.Add("-n");
        start.ArgumentList.Add(NodeName);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var ctl = Process.Start(start) ?? throw new InvalidOperationException("rabbitmqctl did not start");
        var stdout = ctl.StandardOutput.ReadToEndAsync();
        var stderr = ctl.StandardError.ReadToEndAsync();
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await ctl.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            ctl.Kill(entireProcessTree: true);
            await ctl.WaitForExitAsync();
            return (-1, $"rabbitmqctl {string.Join(' ', args)} did not finish within {timeout.TotalSeconds:0} s");
        }
        return (ctl.ExitCode, (await stdout + await stderr).Trim());
    }

    private void SetEnvironment(ProcessStartInfo start)
    {
        start.Environment["HOME"] = _directory;
        start.Environment["RABBITMQ_NODENAME"] = NodeName;
        start.Environment["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(_directory, "rabbitmq-env.conf");
    }

    // The last resort when a clean stop failed: the server script's whole tree, and the node's own process from its pid file.
    private void KillEverything()
    {
        if (_server is { HasExited: false } server)
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit(10_000);
        }
        if (File.Exists(PidFile) && int.TryParse(File.ReadAllText(PidFile).Trim(), CultureInfo.InvariantCulture, out var pid))
        {
            try
            {
                using var beam = Process.GetProcessById(pid);
                if (beam.ProcessName.StartsWith("beam", StringComparison.Ordinal))
                {
                    beam.Kill(entireProcessTree: true);
                    beam.WaitForExit(10_000);
                }
            }
            catch (ArgumentException)
            {
                // Gone already.
            }
        }
    }

    private void Capture(string? line)
    {
        if (line is not null)
            _output.Enqueue(line);
    }

    private TimeoutException Failure(string what)
    {
        var log = File.Exists(LogFile) ? File.ReadLines(LogFile).TakeLast(40) : [$"(no log at {LogFile})"];
        return new TimeoutException(
            $"{what}.\nIts output:\n{string.Join('\n', _output.TakeLast(40))}\nIts log ({LogFile}):\n{string.Join('\n', log)}");
    }

    private static string Script(string name) =>
        s_scriptDirectories.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists)
        ?? throw new FileNotFoundException($"{name} is not installed (looked in {string.Join(", ", s_scriptDirectories)}); scripts/infra.sh installs rabbitmq-server.");
}
