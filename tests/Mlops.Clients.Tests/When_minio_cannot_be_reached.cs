using System.Net;
using System.Net.Sockets;
using Mlops.Clients.Minio;

namespace Mlops.Clients.Tests;

/// <summary>A MinIO endpoint where nothing listens: the key probe says so instead of throwing.</summary>
public sealed class When_minio_cannot_be_reached
{
    [Fact]
    public async Task Should_report_the_probe_as_unreachable_without_the_secret()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var host = await ClientHost.StartAsync(new Dictionary<string, string?>
        {
            ["Minio:Endpoint"] = $"http://127.0.0.1:{port}",
            ["Minio:AccessKey"] = "minio",
            ["Minio:SecretKey"] = "minio-secret",
            ["Minio:Resilience:MaxRetryAttempts"] = "1",
            ["Minio:Resilience:RetryDelay"] = "00:00:00.010",
        }, b => b.AddMinioClient());

        var probe = await host.Get<IMinioStorage>().ProbeKeysAsync("minio", "minio-secret", "mlflow");

        Assert.Equal(MinioKeyProbeOutcome.Unreachable, probe.Outcome);
        Assert.DoesNotContain("minio-secret", probe.Reason, StringComparison.Ordinal);
    }
}
