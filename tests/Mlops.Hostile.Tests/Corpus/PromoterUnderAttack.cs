using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mlops.Contracts;
using Mlops.Testing;

namespace Mlops.Hostile.Tests.Corpus;

/// <summary>
/// The ModelPromoter as a real process on a vhost of its own and against the sandbox, with an ops token and a webhook
/// secret, knowing stack <c>homelab</c> (artifacts in bucket <c>mlflow</c>); shared by the tests of a class.
/// </summary>
public sealed class PromoterUnderAttack : IAsyncLifetime
{
    public const string Token = "hostile-promoter-token-0001";
    public const string WebhookSecret = "hostile-webhook-signing-secret-1";
    public const string MinioExchange = "mlops-minio-events";
    public const string MinioQueue = "model-promoter-bucket-notifications";

    private SqliteStoreFile? _store;

    public RabbitMqVirtualHost VirtualHost { get; private set; } = null!;

    public SandboxFixture Sandbox { get; private set; } = null!;

    public ServiceProcess Promoter { get; private set; } = null!;

    public BrokerQueues Broker { get; private set; } = null!;

    /// <summary>A client of the promoter with the ops token.</summary>
    public HttpClient Ops { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        VirtualHost = await RabbitMqVirtualHost.CreateAsync("hostile-promoter");
        Broker = new BrokerQueues(VirtualHost);
        Sandbox = await SandboxFixture.StartAsync();
        _store = SqliteStoreFile.Create("hostile-promoter");
        var settings = new Dictionary<string, string?>(_store.Settings(), StringComparer.OrdinalIgnoreCase)
        {
            ["RABBITMQ_URL"] = VirtualHost.AmqpUrl.ToString(),
            ["Ops:Tokens:hostile"] = Token,
            ["Mlflow:Url"] = Sandbox.MlflowUrl.ToString(),
            ["Kubernetes:Server"] = Sandbox.KubernetesUrl.ToString(),
            ["Kubernetes:Namespace"] = "mlflow",
            ["Minio:Endpoint"] = Sandbox.S3Url.GetLeftPart(UriPartial.Authority),
            ["Minio:AccessKey"] = SandboxFixture.RootUser,
            ["Minio:SecretKey"] = SandboxFixture.RootPassword,
            ["ModelPromoter:Webhook:Secret"] = WebhookSecret,
            ["ModelPromoter:Reconciliation:Enabled"] = "false",
        };
        Promoter = await ServiceProcess.StartAsync("Mlops.ModelPromoter", settings);
        Ops = new HttpClient { BaseAddress = Promoter.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        Ops.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        await PublishContractAsync(nameof(StackReady), new
        {
            flowId = Guid.NewGuid(),
            occurredAt = DateTimeOffset.UtcNow,
            stackName = "homelab",
            @namespace = "mlflow",
            mlflowTrackingUri = "http://mlflow.mlflow.svc.cluster.local:5000",
            minioEndpoint = "http://minio.minio.svc.cluster.local:9000",
            artifactBucket = "mlflow",
            buckets = (string[])["mlflow"],
            credentials = new { secretName = "minio-credentials" },
            minioExchange = MinioExchange,
        });
        await Eventually.HoldsAsync(async () => await SagaExistsAsync(SagaIds.ForStack("homelab")), "the promoter knows stack homelab");
    }

    /// <summary>Publishes a contract message as MassTransit does (its envelope on the message type's exchange), in whatever shape.</summary>
    public Task PublishContractAsync(string messageType, object message) => Broker.PublishAsync($"Mlops.Contracts:{messageType}", "fanout",
        JsonSerializer.SerializeToUtf8Bytes(new
        {
            messageId = Guid.NewGuid(),
            messageType = new[] { $"urn:message:Mlops.Contracts:{messageType}" },
            message,
        }), "application/vnd.masstransit+json");

    /// <summary>Whether the promoter's ops API finds saga <paramref name="id"/>.</summary>
    public async Task<bool> SagaExistsAsync(Guid id)
    {
        using var response = await Ops.GetAsync(new Uri($"ops/sagas/{id}", UriKind.Relative));
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>Still ready, and alive.</summary>
    public async Task AssertHealthyAsync()
    {
        Assert.True(Promoter.IsRunning, "the promoter process is gone");
        using var ready = await Ops.GetAsync(new Uri("health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    public static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    public async Task DisposeAsync()
    {
        Ops?.Dispose();
        if (Promoter is not null)
            await Promoter.DisposeAsync();
        if (Sandbox is not null)
            await Sandbox.DisposeAsync();
        Broker?.Dispose();
        if (VirtualHost is not null)
            await VirtualHost.DisposeAsync();
        if (_store is not null)
            await _store.DisposeAsync();
    }
}
