using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Mlops.Testing;

namespace Mlops.Run.Tests;

/// <summary>
/// <c>./run.sh --fresh</c> as a newcomer runs it: once the homelab's model is served, the printed example of a model
/// trained outside the product is pasted into a shell as it stands, the ModelPromoter is watched until it serves that
/// version, and then the run gets Ctrl-C (SIGINT).
/// </summary>
public sealed class InterruptedRun : RunOnce
{
    private static readonly TimeSpan LaptopTimeout = TimeSpan.FromMinutes(5);

    /// <summary>What went wrong while the run ran (the example failed, or its version was never served); null when nothing.</summary>
    public string? Failure { get; private set; }

    /// <summary>The version the example registered, as the ModelPromoter serves it; null when it never did.</summary>
    public string? LaptopVersionServed { get; private set; }

    /// <summary>What the pasted example printed.</summary>
    public string LaptopOutput { get; private set; } = "";

    protected override IReadOnlyList<string> Arguments => ["--fresh"];

    protected override async Task WhileRunningAsync(int processId, CancellationToken cancellationToken)
    {
        try
        {
            await Eventually.HoldsAsync(() => Lines.Any(l => l.StartsWith("RabbitMQ management:", StringComparison.Ordinal)) || Exited(processId),
                "run.sh printed where to look", Timeout);
            if (Exited(processId))
            {
                Failure = "run.sh exited before the model was served";
                return;
            }
            LaptopOutput = await PasteAsync(LaptopExample(), cancellationToken);
            LaptopVersionServed = await ServedByPromoterAsync("2", cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Failure = ex.ToString();
        }
        finally
        {
            if (!Exited(processId))
            {
                using var interrupt = Process.Start("kill", ["-INT", processId.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await interrupt.WaitForExitAsync(CancellationToken.None);
            }
        }
    }

    /// <summary>The lines under "A model trained outside the product", as printed, up to the next empty line.</summary>
    private string[] LaptopExample()
    {
        var printed = Output.Split('\n');
        var start = Array.FindIndex(printed, l => l.StartsWith("A model trained outside the product", StringComparison.Ordinal));
        Assert.True(start >= 0, "run.sh printed no example of a model trained outside the product");
        return printed.Skip(start).SkipWhile(l => !l.StartsWith("  ", StringComparison.Ordinal))
            .TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)).Select(l => l.Trim()).ToArray();
    }

    private static async Task<string> PasteAsync(string[] lines, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", string.Join('\n', lines)])
        {
            WorkingDirectory = TestEnvironment.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var shell = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var output = shell.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = shell.StandardError.ReadToEndAsync(cancellationToken);
        await shell.WaitForExitAsync(cancellationToken);
        var printed = await output + await error;
        Assert.True(shell.ExitCode == 0, $"the example exited {shell.ExitCode}:\n{string.Join('\n', lines)}\n{printed}");
        return printed;
    }

    private async Task<string?> ServedByPromoterAsync(string version, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Pairs("endpoints")["model-promoter"].TrimEnd('/') + "/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Pairs("secrets")["ops-token"]);
        string? serving = null;
        await Eventually.HoldsAsync(async () =>
        {
            var models = JsonSerializer.Deserialize<JsonElement>(await http.GetStringAsync(new Uri("ops/models", UriKind.Relative), cancellationToken));
            var model = models.EnumerateArray().FirstOrDefault(m => m.GetProperty("model").GetString() == "cnn_classifier");
            serving = model.ValueKind == JsonValueKind.Object ? model.GetProperty("servingVersion").GetString() : null;
            return serving == version;
        }, $"cnn_classifier version {version} served", LaptopTimeout);
        return serving;
    }

    private static bool Exited(int processId) => !Directory.Exists($"/proc/{processId}");
}
