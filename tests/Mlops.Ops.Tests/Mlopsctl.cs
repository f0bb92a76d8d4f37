using System.Text.Json;
using Mlops.Ctl;

namespace Mlops.Ops.Tests;

/// <summary>Runs mlopsctl in the test process with its own environment, against a host's real HTTP address.</summary>
public static class Mlopsctl
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public JsonElement Json => JsonSerializer.Deserialize<JsonElement>(Output);
    }

    /// <param name="environment">Environment variables; the host's URL and alice's token unless given.</param>
    public static async Task<Result> RunAsync(OpsHost? host, params string[] args) =>
        await RunAsync(host is null ? new Dictionary<string, string>() : new Dictionary<string, string>
        {
            ["MLOPS_TRAINING_COORDINATOR_URL"] = host.BaseAddress.ToString(),
            ["MLOPS_TOKEN"] = OpsHost.AliceToken,
        }, null, args);

    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string> environment, string? workingDirectory, params string[] args)
    {
        var home = Path.Combine(Path.GetTempPath(), "mlopsctl-home-none");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CtlApp.RunAsync(args, new CtlEnvironment(environment, home, workingDirectory ?? home), output, error);
        return new Result(exit, output.ToString(), error.ToString());
    }
}
