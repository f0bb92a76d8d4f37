using System.Diagnostics;

namespace Mlops.Sandbox.Minio;

/// <summary>s3rver (npm, pinned in <c>tools/Sandbox/s3rver</c>) run by node on a free loopback port; stopped with the sandbox.</summary>
public sealed class S3rverProcess : IAsyncDisposable
{
    private const string Relative = "tools/Sandbox/s3rver";

    private readonly Process _process;
    private readonly string? _temporaryData;

    private S3rverProcess(Process process, Uri url, string? temporaryData)
    {
        _process = process;
        Url = url;
        _temporaryData = temporaryData;
    }

    public Uri Url { get; }

    public static async Task<S3rverProcess> StartAsync(MinioOptions options, CancellationToken cancellationToken)
    {
        var folder = options.S3rverDirectory is { Length: > 0 } configured ? configured : FindFolder();
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "s3rver")))
            throw new InvalidOperationException($"s3rver is not installed in {folder}: run `npm ci` there (./test.sh does).");
        var temporaryData = string.IsNullOrEmpty(options.DataDirectory) ? Directory.CreateTempSubdirectory("s3rver-").FullName : null;
        // s3rver's ListObjectsV2 continuation tokens (listings past 1000 keys) are DES-encrypted, a cipher OpenSSL 3
        // serves only from its legacy provider: without it every second page answers 500.
        var start = new ProcessStartInfo(options.Node, ["--openssl-legacy-provider", "start.js"])
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["S3RVER_DIRECTORY"] = temporaryData ?? options.DataDirectory;
        start.Environment["S3RVER_PORT"] = "0";
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.StartTimeout);
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null || !line.StartsWith("s3rver ", StringComparison.Ordinal))
                throw new InvalidOperationException($"s3rver did not start: {line} {await errors}");
            // Keep draining stdout so the child never blocks on a full pipe.
            _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            return new S3rverProcess(process, new Uri(line["s3rver ".Length..] + "/"), temporaryData);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    private static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, Relative);
            if (File.Exists(Path.Combine(candidate, "start.js")))
                return candidate;
        }
        throw new InvalidOperationException($"{Relative} not found above {AppContext.BaseDirectory}; set Sandbox:s3:S3rverDirectory.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // Closing stdin asks start.js to stop; kill it if it does not.
            _process.StandardInput.Close();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }
        _process.Dispose();
        if (_temporaryData is not null && Directory.Exists(_temporaryData))
            Directory.Delete(_temporaryData, recursive: true);
    }
}
