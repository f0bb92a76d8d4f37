using System.Diagnostics;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>Debian's s3cmd pointed at the s3 stand-in through a temporary config file (never ~/.s3cfg).</summary>
public sealed class S3cmd : IDisposable
{
    private readonly string _config = Path.GetTempFileName();

    public S3cmd(Uri endpoint, string accessKey, string secretKey)
    {
        var host = $"{endpoint.Host}:{endpoint.Port}";
        File.WriteAllText(_config, $"""
            [default]
            access_key = {accessKey}
            secret_key = {secretKey}
            host_base = {host}
            host_bucket = {host}
            use_https = False
            signature_v2 = False
            bucket_location = us-east-1
            """);
    }

    /// <summary>Runs <c>s3cmd -c CONFIG ARGS…</c> and returns its output; a non-zero exit fails the test.</summary>
    public async Task<string> RunAsync(params string[] args)
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
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"s3cmd {string.Join(' ', args)} exited {process.ExitCode}: {await errors}{await output}");
        return await output;
    }

    public void Dispose() => File.Delete(_config);
}
