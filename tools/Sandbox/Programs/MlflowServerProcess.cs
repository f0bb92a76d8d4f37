using System.Globalization;
using System.Net.Http.Headers;
using Mlops.Sandbox.Kubernetes.Pods;
using Mlops.Sandbox.Mlflow;

namespace Mlops.Sandbox.Programs;

/// <summary>A running MLflow tracking server in a pod: health, version, and the REST API of the mlflow stand-in.</summary>
public sealed class MlflowServerProcess : ProgramProcess
{
    private readonly MlflowStandIn _mlflow;
    private readonly string _host;
    private readonly int _port;
    private readonly string _version;

    public MlflowServerProcess(ContainerLaunch launch, MlflowStandIn mlflow, string host, int port, string version, WebhookUrlPolicy webhookUrls)
        : base(launch)
    {
        _mlflow = mlflow;
        _host = host;
        _port = port;
        _version = version;
        WebhookUrls = webhookUrls;
    }

    /// <summary>The webhook URL rules this server was started with.</summary>
    public WebhookUrlPolicy WebhookUrls { get; }

    protected override Task RunAsync(CancellationToken cancellationToken)
    {
        var stamp = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        Launch.Log.WriteLine($"[{stamp} +0000] [1] [INFO] Starting gunicorn 23.0.0");
        Launch.Log.WriteLine($"[{stamp} +0000] [1] [INFO] Listening at: http://{_host}:{_port} (1)");
        Launch.Log.WriteLine($"[{stamp} +0000] [1] [INFO] Using worker: sync");
        return Task.CompletedTask;
    }

    public override async Task<ContainerResponse?> HandleAsync(ContainerRequest request, CancellationToken cancellationToken)
    {
        if (Gone || request.Port != _port || _host is "127.0.0.1" or "localhost")
            return null;
        var path = request.PathAndQuery.Split('?')[0];
        if (path == "/health" && request.Method is "GET" or "HEAD")
            return new ContainerResponse(200, "text/html; charset=utf-8", "OK"u8.ToArray());
        if (path == "/version" && request.Method is "GET" or "HEAD")
            return new ContainerResponse(200, "text/html; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(_version));
        using var forwarded = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_mlflow.Url, request.PathAndQuery.TrimStart('/')));
        if (request.Body.Length > 0)
        {
            forwarded.Content = new ByteArrayContent(request.Body.ToArray());
            if (request.ContentType is { } type)
                forwarded.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        }
        using var response = await ClusterHttp.Client.SendAsync(forwarded, cancellationToken);
        return new ContainerResponse((int)response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? "", await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }
}
