using k8s;
using k8s.Models;
using Minio.DataModel.Args;
using Minio.DataModel.Notification;
using Mlops.Sandbox.Mlflow;
using Mlops.Testing;
using Mlops.Testing.Chart;

namespace Mlops.ModelPromoter.Tests.Promotion;

/// <summary>
/// The in-process sandbox with fast timings, its MinIO publishing bucket events to a throwaway vhost of the real broker
/// through target <c>MLOPS</c> (exchange <c>mlops-minio-events</c>, fanout, durable, delivery mode 2: the product's defaults), MLflow
/// allowed to call webhooks on loopback http, and the artifact bucket <c>mlflow</c>. Shared by the tests of a collection.
/// </summary>
public class PromoterSandbox : IAsyncLifetime
{
    public const string Exchange = "mlops-minio-events";

    public const string ArtifactBucket = "mlflow";

    /// <summary>A bucket the promoter may read that notifies no one.</summary>
    public const string UnwatchedBucket = "models-unwatched";

    public const string TargetArn = "arn:minio:sqs::MLOPS:amqp";

    /// <summary>The stack's namespace, where the promoter serves, and its Secret.</summary>
    public const string Namespace = "mlflow";

    public const string CredentialsSecret = "minio-credentials";

    public const string ReaderKey = "promoter-reader";

    public const string ReaderSecret = "promoter-reader-secret-1";

    /// <summary>The ServiceAccount the promoter acts as, as the request log names it.</summary>
    public static string PromoterUser => $"system:serviceaccount:{Namespace}:model-promoter";

    private RabbitMqVirtualHost? _vhost;
    private SandboxFixture? _sandbox;

    public SandboxFixture Sandbox => _sandbox ?? throw new InvalidOperationException("The sandbox is not started.");

    public RabbitMqVirtualHost VirtualHost => _vhost ?? throw new InvalidOperationException("The sandbox is not started.");

    public MlflowServer Mlflow => Sandbox.Host.StandIn<MlflowStandIn>().Server;

    public RegistrySeed Registry => new(Sandbox.Mlflow, Sandbox.Minio);

    /// <summary>The promoter's ServiceAccount token, bound to the namespaced Role its chart grants.</summary>
    public string PromoterToken { get; private set; } = "";

    /// <summary>Settings added to the fixture's own, e.g. a slower registry.</summary>
    protected virtual IReadOnlyDictionary<string, string?> MoreSettings { get; } = new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        _vhost = await RabbitMqVirtualHost.CreateAsync("promoter");
        var settings = new Dictionary<string, string?>
        {
            ["Sandbox:mlflow:MLFLOW_WEBHOOK_ALLOWED_SCHEMES"] = "http,https",
            ["Sandbox:mlflow:MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS"] = "true",
            ["Sandbox:mlflow:WebhookRetryJitter"] = "00:00:00",
            ["Sandbox:s3:MINIO_NOTIFY_AMQP_ENABLE_MLOPS"] = "on",
            ["Sandbox:s3:MINIO_NOTIFY_AMQP_URL_MLOPS"] = _vhost.AmqpUrl.ToString(),
            ["Sandbox:s3:MINIO_NOTIFY_AMQP_EXCHANGE_MLOPS"] = Exchange,
            ["Sandbox:s3:MINIO_NOTIFY_AMQP_EXCHANGE_TYPE_MLOPS"] = "fanout",
            ["Sandbox:s3:MINIO_NOTIFY_AMQP_DURABLE_MLOPS"] = "on",
            ["Sandbox:s3:MINIO_NOTIFY_AMQP_DELIVERY_MODE_MLOPS"] = "2",
            // MinIO delivers at least once: every event arrives twice here.
            ["Sandbox:s3:EventCopies"] = "2",
            ["Sandbox:ModelServer:LoadTime"] = "00:00:00.300",
            [$"Sandbox:s3:ReadOnlyUsers:{ReaderKey}"] = ReaderSecret,
        };
        foreach (var (key, value) in MoreSettings)
            settings[key] = value;
        _sandbox = await SandboxFixture.StartAsync(settings);
        await _sandbox.Minio.MakeBucketAsync(new MakeBucketArgs().WithBucket(ArtifactBucket));
        await _sandbox.Minio.MakeBucketAsync(new MakeBucketArgs().WithBucket(UnwatchedBucket));
        await _sandbox.Minio.SetBucketNotificationsAsync(new SetBucketNotificationsArgs().WithBucket(ArtifactBucket).WithBucketNotificationConfiguration(Notifications()));
        PromoterToken = await PrepareClusterAsync(_sandbox.Kubernetes);
    }

    // The stack's namespace and Secret, and the promoter's ServiceAccount with the chart's namespaced Role; its token.
    private static async Task<string> PrepareClusterAsync(IKubernetes k)
    {
        await k.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } });
        await k.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = CredentialsSecret },
            StringData = new Dictionary<string, string>
            {
                ["AWS_ACCESS_KEY_ID"] = SandboxFixture.RootUser,
                ["AWS_SECRET_ACCESS_KEY"] = SandboxFixture.RootPassword,
            },
        }, Namespace);
        await k.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "model-promoter" } }, Namespace);
        await k.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new V1ObjectMeta { Name = "model-promoter" },
            // What the chart grants: its rule file, one source of truth.
            Rules = ChartRole.For("modelPromoter", ChartValues.Load()).Rules.Select(rule => rule.ToPolicyRule()).ToList(),
        }, Namespace);
        await k.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "model-promoter" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "model-promoter" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "model-promoter", NamespaceProperty = Namespace }],
        }, Namespace);
        return (await k.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { ExpirationSeconds = 7200 } }, "model-promoter", Namespace)).Status.Token;
    }

    // Every object created or removed in the artifact bucket, as the Provisioner subscribes it (the promoter filters).
    private static BucketNotification Notifications()
    {
        var notification = new BucketNotification();
        var queue = new QueueConfig(TargetArn);
        queue.AddEvents([EventType.ObjectCreatedAll, EventType.ObjectRemovedAll]);
        notification.AddQueue(queue);
        return notification;
    }

    public async Task DisposeAsync()
    {
        if (_sandbox is not null)
            await _sandbox.DisposeAsync();
        if (_vhost is not null)
            await _vhost.DisposeAsync();
    }
}
