using System.Diagnostics;
using System.Globalization;

namespace Mlops.Sandbox.Cluster.Tests;

/// <summary>The real curl, for requests through the API server's service proxy as an operator sends them.</summary>
public static class Curl
{
    /// <summary>POSTs <paramref name="body"/> (from stdin) with <paramref name="contentType"/>; the HTTP status and the answer.</summary>
    public static async Task<(int Status, string Body)> PostAsync(Uri url, string contentType, string body)
    {
        var start = new ProcessStartInfo("curl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-sS", "--noproxy", "*", "-X", "POST", "-H", $"Content-Type: {contentType}", "--data-binary", "@-", "-w", "\n%{http_code}", url.ToString() })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("curl did not start");
        await process.StandardInput.WriteAsync(body);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"curl exited {process.ExitCode}: {await error}");
        var text = await output;
        var split = text.LastIndexOf('\n');
        return (int.Parse(text[(split + 1)..], CultureInfo.InvariantCulture), text[..split]);
    }
}
