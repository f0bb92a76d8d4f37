using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Mlops.Testing;

namespace Mlops.Benchmarks.Tests;

/// <summary>
/// One <c>./bench.sh</c> with N = 3 (two warm-up flows, three at the fixed offered load, one baseline round of a second,
/// a short saga store run) in a port range and output directory of its own. Built in Release by test.sh, it runs the built
/// programs (<c>--no-build</c>); from any other build it lets bench.sh build them.
/// </summary>
public sealed class SmallBenchmarkRun : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private readonly StringBuilder _output = new();

    public string OutputDirectory { get; } = Directory.CreateTempSubdirectory("mlops-bench-test-").FullName;

    public int ExitCode { get; private set; } = -1;

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    public JsonElement Results { get; private set; }

    public async Task InitializeAsync()
    {
        var arguments = new List<string>
        {
            "bench.sh", "--n", "3", "--open-loop-flows", "3", "--warm-up-flows", "2", "--rounds", "1", "--baseline-seconds", "1",
            "--store-ticks", "20", "--out", OutputDirectory,
        };
        if (AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            arguments.Add("--no-build");
        var start = new ProcessStartInfo("bash", arguments)
        {
            WorkingDirectory = TestEnvironment.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.Environment["MLOPS_BENCH_PORT_BASE"] = FreePortRange(20).ToString(CultureInfo.InvariantCulture);
        start.Environment["RABBITMQ_URL"] = TestEnvironment.RabbitMqUrl.ToString();
        start.Environment["RABBITMQ_MANAGEMENT_URL"] = TestEnvironment.RabbitMqManagementUrl.ToString().TrimEnd('/');
        start.Environment["POSTGRES_URL"] = TestEnvironment.PostgresConnectionString;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        process.StandardInput.Close();
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Append($"(killed after {Timeout.TotalMinutes} min)");
        }
        process.WaitForExit();
        ExitCode = process.ExitCode;
        var file = Path.Combine(OutputDirectory, "latest.json");
        if (File.Exists(file))
            Results = JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement.Clone();
    }

    public Task DisposeAsync()
    {
        Directory.Delete(OutputDirectory, recursive: true);
        return Task.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    private static int FreePortRange(int size)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var start = Random.Shared.Next(200, 320) * 100 + 50;
            if (Enumerable.Range(start, size).All(PortIsFree))
                return start;
        }
        throw new InvalidOperationException("No free range of loopback ports between 20000 and 32000.");
    }

    private static bool PortIsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
