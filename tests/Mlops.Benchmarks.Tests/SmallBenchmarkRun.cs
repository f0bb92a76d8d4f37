using System.Globalization;
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
    private ScriptRun? _run;

    public string OutputDirectory { get; } = Directory.CreateTempSubdirectory("mlops-bench-test-").FullName;

    public int ExitCode => _run?.ExitCode ?? -1;

    public string Output => _run?.Output ?? "";

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
        // Off run.sh's ranges (offset 50), for the Run tests that may run beside.
        _run = ScriptRun.Start(arguments, new Dictionary<string, string>
        {
            ["MLOPS_BENCH_PORT_BASE"] = LoopbackPorts.FreeRange(20, offset: 50).ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_URL"] = TestEnvironment.RabbitMqUrl.ToString(),
            ["RABBITMQ_MANAGEMENT_URL"] = TestEnvironment.RabbitMqManagementUrl.ToString().TrimEnd('/'),
            ["POSTGRES_URL"] = TestEnvironment.PostgresConnectionString,
        });
        await _run.WaitForExitAsync(Timeout);
        var file = Path.Combine(OutputDirectory, "latest.json");
        if (File.Exists(file))
            Results = JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement.Clone();
    }

    public Task DisposeAsync()
    {
        _run?.Dispose();
        Directory.Delete(OutputDirectory, recursive: true);
        return Task.CompletedTask;
    }
}
