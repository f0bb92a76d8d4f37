using k8s;
using k8s.Models;
using Mlops.Sandbox.Hosting;
using Mlops.Testing;

namespace Mlops.Clients.Tests;

/// <summary>
/// An in-process sandbox on free ports: Kubernetes with short controller timings, MLflow, and MinIO with two AMQP
/// targets (ours, <see cref="Arn"/>, and a foreign one, <see cref="ForeignArn"/>) on a throwaway vhost of the real broker.
/// </summary>
public class ClientsSandbox : IAsyncLifetime, IDisposable
{
    public const string TargetId = "MLOPS";
    public const string Arn = "arn:minio:sqs::MLOPS:amqp";
    public const string ForeignTargetId = "OTHER";
    public const string ForeignArn = "arn:minio:sqs::OTHER:amqp";
    public const string AccessKey = "minioadmin";
    public const string SecretKey = "minioadmin";

    private RabbitMqVirtualHost? _vhost;
    private SandboxHost? _host;
    private k8s.Kubernetes? _kubernetes;

    public SandboxHost Host => _host ?? throw new InvalidOperationException("not started");

    /// <summary>A plain KubernetesClient for arranging and checking, outside the client under test.</summary>
    public IKubernetes Kubernetes => _kubernetes ?? throw new InvalidOperationException("not started");

    protected virtual int WatchHistory => 1000;

    public async Task InitializeAsync()
    {
        _vhost = await RabbitMqVirtualHost.CreateAsync("clients");
        var settings = new Dictionary<string, string?>
        {
            ["Sandbox:Kubernetes:ObserveDelay"] = "00:00:00.050",
            ["Sandbox:Kubernetes:PodStartDelay"] = "00:00:00.200",
            ["Sandbox:Kubernetes:JobDuration"] = "00:00:00.200",
            ["Sandbox:Kubernetes:WorkflowPhaseDuration"] = "00:00:00.200",
            ["Sandbox:Kubernetes:UnsealDelay"] = "00:00:00.050",
            ["Sandbox:Kubernetes:TimeScale"] = "0.01",
            ["Sandbox:Kubernetes:WatchHistory"] = WatchHistory.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Sandbox:mlflow:ModelVersionReadyDelay"] = "00:00:00.200",
            ["Sandbox:mlflow:WebhookRetryBaseDelay"] = "00:00:00.100",
            // The test receivers listen on loopback http, which MLflow 3.10 refuses unless the server allows it.
            ["Sandbox:mlflow:MLFLOW_WEBHOOK_ALLOWED_SCHEMES"] = "http,https",
            ["Sandbox:mlflow:MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS"] = "true",
        };
        foreach (var id in new[] { TargetId, ForeignTargetId })
        {
            settings[$"Sandbox:s3:MINIO_NOTIFY_AMQP_ENABLE_{id}"] = "on";
            settings[$"Sandbox:s3:MINIO_NOTIFY_AMQP_URL_{id}"] = _vhost.AmqpUrl.ToString();
            settings[$"Sandbox:s3:MINIO_NOTIFY_AMQP_EXCHANGE_{id}"] = $"{id.ToLowerInvariant()}-minio-events";
            settings[$"Sandbox:s3:MINIO_NOTIFY_AMQP_EXCHANGE_TYPE_{id}"] = "fanout";
            settings[$"Sandbox:s3:MINIO_NOTIFY_AMQP_DURABLE_{id}"] = "on";
        }
        _host = await SandboxHost.StartAsync(settings);
        _kubernetes = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = _host.Kubernetes.Url.ToString().TrimEnd('/') });
    }

    public Uri KubernetesUrl => Host.Kubernetes.Url;

    public Uri MlflowUrl => Host.UrlOf("mlflow");

    public Uri S3Url => Host.UrlOf("s3");

    /// <summary>Settings of all three sections pointing at this sandbox; <paramref name="overrides"/> win.</summary>
    public Dictionary<string, string?> Settings(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Kubernetes:Server"] = KubernetesUrl.ToString(),
            ["Mlflow:Url"] = MlflowUrl.ToString(),
            ["Minio:Endpoint"] = S3Url.ToString(),
            ["Minio:AccessKey"] = AccessKey,
            ["Minio:SecretKey"] = SecretKey,
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            settings[key] = value;
        return settings;
    }

    /// <summary>A fresh namespace, so tests sharing this sandbox do not see each other's objects.</summary>
    public async Task<string> NewNamespaceAsync()
    {
        var name = $"t-{Guid.NewGuid():N}"[..14];
        await Kubernetes.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }

    public void Dispose()
    {
        _kubernetes?.Dispose();
        _kubernetes = null;
        GC.SuppressFinalize(this);
    }

    public async Task DisposeAsync()
    {
        Dispose();
        if (_host is not null)
            await _host.DisposeAsync();
        if (_vhost is not null)
            await _vhost.DisposeAsync();
    }
}
