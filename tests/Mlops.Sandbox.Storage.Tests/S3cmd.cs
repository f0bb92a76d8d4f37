using System.Diagnostics;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>Debian's s3cmd pointed at the s3 stand-in through a temporary config file (never ~/.s3cfg).</summary>
public sealed class S3cmd : IDisposable
{
    private readonly string _config = Path.GetTempFileName();

    public S3cmd(Uri endpoint, string accessKey, string secretKey, bool signatureV2 = false)
    {
        var host = $"{endpoint.Host}:{endpoint.Port}";
        File.WriteAllText(_config, $"""
            [default]
            access_key = {accessKey}
            secret_key = {secretKey}
            host_base = {host}
            host_bucket = {host}
            use_https = False
            signature_v2 = {(signatureV2 ? "True" : "False")}
            bucket_location = us-east-1
            """);
    }

    /// <summary>Runs <c>s3cmd -c CONFIG ARGS…</c> and returns its output; a non-zero exit fails the test.</summary>
    public async Task<string> RunAsync(params string[] args)
    {
        var (exitCode, output) = await TryAsync(args);
        if (exitCode != 0)
            throw new InvalidOperationException($"s3cmd {string.Join(' ', args)} exited {exitCode}: {output}");
        return output;
    }

    /// <summary>Runs <c>s3cmd -c CONFIG ARGS…</c> and returns its exit code with what it printed (stdout and stderr).</summary>
    public async Task<(int ExitCode, string Output)> TryAsync(params string[] args)
    {
        var start = new ProcessStartInfo("s3cmd") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(_config);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await errors + await output);
    }

    public void Dispose() => File.Delete(_config);
}
