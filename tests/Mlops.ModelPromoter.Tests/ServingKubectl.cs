using System.Diagnostics;

namespace Mlops.ModelPromoter.Tests;

/// <summary>The real kubectl against the sandbox as its admin, with a throwaway kubeconfig and cache (never the user's).</summary>
public static class ServingKubectl
{
    private const string NoCredentials = "{}";

    public static async Task<(int ExitCode, string Output)> RunAsync(Uri server, params string[] arguments)
    {
        var directory = Directory.CreateTempSubdirectory("serving-kubectl-").FullName;
        try
        {
            var kubeconfig = Path.Combine(directory, "config");
            await File.WriteAllTextAsync(kubeconfig, $"""
                apiVersion: v1
                kind: Config
                clusters:
                - name: sandbox
                  cluster:
                    server: {server.ToString().TrimEnd('/')}
                contexts:
                - name: sandbox
                  context:
                    cluster: sandbox
                    user: sandbox
                current-context: sandbox
                users:
                - name: sandbox
                  user: {NoCredentials}
                """);
            var start = new ProcessStartInfo(File.Exists("/usr/bin/kubectl") ? "/usr/bin/kubectl" : "kubectl")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "--kubeconfig", kubeconfig, "--cache-dir", Path.Combine(directory, "cache") }.Concat(arguments))
                start.ArgumentList.Add(argument);
            start.Environment["HOME"] = directory;
            start.Environment.Remove("KUBECONFIG");
            using var process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"kubectl {string.Join(' ', arguments)} did not finish in 60 s");
            }
            return (process.ExitCode, await output + await error);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
