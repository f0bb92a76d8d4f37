using System.Net.Http.Headers;
using Mlops.Sandbox.Kubernetes.Pods;
using Mlops.Sandbox.Minio;

namespace Mlops.Sandbox.Programs;

/// <summary>
/// A running MinIO server in a pod. It answers MinIO's health checks (<c>/minio/health/live</c>, <c>ready</c>,
/// <c>cluster</c>) on its API port at once, forwards other API requests to the s3 stand-in (they arrive unsigned from
/// probes and the service proxy, so MinIO's AccessDenied is what they get) and serves a console page on the console
/// port. Its configuration is what the stand-in uses while this pod backs its address.
/// </summary>
public sealed class MinioServerProcess : ProgramProcess
{
    private readonly int _apiPort;
    private readonly int _consolePort;
    private readonly MinioStandIn _s3;
    private readonly bool _defaultCredentials;

    public MinioServerProcess(ContainerLaunch launch, MinioServerConfiguration configuration, int apiPort, int consolePort, MinioStandIn s3, bool defaultCredentials)
        : base(launch)
    {
        Configuration = configuration;
        _apiPort = apiPort;
        _consolePort = consolePort;
        _s3 = s3;
        _defaultCredentials = defaultCredentials;
    }

    public MinioServerConfiguration Configuration { get; }

    protected override Task RunAsync(CancellationToken cancellationToken)
    {
        var log = Launch.Log;
        if (_defaultCredentials)
            log.WriteLine("WARN: Detected default credentials 'minioadmin:minioadmin', we recommend that you change these values with 'MINIO_ROOT_USER' and 'MINIO_ROOT_PASSWORD' environment variables");
        log.WriteLine("MinIO Object Storage Server");
        log.WriteLine("Copyright: 2015-2025 MinIO, Inc.");
        log.WriteLine("License: GNU AGPLv3 - https://www.gnu.org/licenses/agpl-3.0.html");
        log.WriteLine("Version: RELEASE.2025-04-22T22-12-26Z (go1.24.2 linux/amd64)");
        log.WriteLine("");
        log.WriteLine($"API: http://127.0.0.1:{_apiPort}");
        foreach (var target in Configuration.Targets)
            log.WriteLine($"SQS ARNs: {target.Settings.Arn}");
        if (_consolePort > 0)
            log.WriteLine($"WebUI: http://127.0.0.1:{_consolePort}");
        return Task.CompletedTask;
    }

    public override async Task<ContainerResponse?> HandleAsync(ContainerRequest request, CancellationToken cancellationToken)
    {
        if (Gone)
            return null;
        if (request.Port == _consolePort)
            return new ContainerResponse(200, "text/html", "<!doctype html><html><head><title>MinIO Console</title></head><body></body></html>"u8.ToArray());
        if (request.Port != _apiPort)
            return null;
        using var forwarded = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_s3.Url, request.PathAndQuery.TrimStart('/')));
        if (request.Body.Length > 0)
        {
            forwarded.Content = new ByteArrayContent(request.Body.ToArray());
            if (request.ContentType is { } type)
                forwarded.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        }
        using var response = await ClusterHttp.Client.SendAsync(forwarded, cancellationToken);
        return new ContainerResponse((int)response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? "", await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var target in Configuration.Targets)
            await target.DisposeAsync();
    }
}
