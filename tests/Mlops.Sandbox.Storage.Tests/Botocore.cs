using System.Diagnostics;
using System.Text.Json;

namespace Mlops.Sandbox.Storage.Tests;

/// <summary>Debian's python3-boto3 (botocore) run as a child process against the s3 stand-in, one operation per call.</summary>
public sealed class Botocore(Uri endpoint, string accessKey, string secretKey)
{
    // Debian's interpreter and packages: what ./test.sh installs, whatever else is on PATH.
    private const string Python = "/usr/bin/python3";

    public async Task<JsonElement> RunAsync(string op, object? fields = null)
    {
        var arguments = new Dictionary<string, object?>
        {
            ["endpoint"] = endpoint.ToString().TrimEnd('/'),
            ["access_key"] = accessKey,
            ["secret_key"] = secretKey,
            ["op"] = op,
        };
        if (fields is not null)
        {
            foreach (var property in JsonSerializer.SerializeToElement(fields).EnumerateObject())
                arguments[property.Name] = property.Value;
        }
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "boto_s3.py"));
        start.ArgumentList.Add(JsonSerializer.Serialize(arguments));
        // No user configuration or metadata service may change what botocore does.
        start.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        var text = await output;
        Assert.True(process.ExitCode == 0, $"boto_s3.py {op} exited {process.ExitCode}: {await errors}{text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Runs and requires success.</summary>
    public async Task<JsonElement> OkAsync(string op, object? fields = null)
    {
        var result = await RunAsync(op, fields);
        Assert.True(result.GetProperty("ok").GetBoolean(), $"{op}: {result}");
        return result;
    }
}
