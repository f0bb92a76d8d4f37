extern alias modelpromoter;
using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Minio.DataModel.Args;
using Mlops.Clients.Mlflow;
using Mlops.Contracts;
using Mlops.ModelPromoter.Sagas;
using Mlops.ModelPromoter.Serving;
using Mlops.Sandbox.Control;
using Mlops.SagaStore;
using Mlops.Testing;
using Mlops.Testing.Chart;

namespace Mlops.ModelPromoter.Tests;

/// <summary>
/// The promoter's real Program on a throwaway RabbitMQ vhost with its SQLite store, against the in-process sandbox: a stack
/// in namespace <c>mlflow</c> (its Secret <c>minio-credentials</c>), the promoter acting as a ServiceAccount with only the
/// namespaced Role its chart grants, MinIO read with read-only keys of its own. Shared by the serving tests, which each
/// use models of their own; policies of the test models are configured here and changed through <see cref="Configure"/>.
/// </summary>
public class ServingCluster : IAsyncLifetime
{
    public const string Namespace = "mlflow";

    public const string CredentialsSecret = "minio-credentials";

    public const string ReaderKey = "promoter-reader";

    private const string ReaderSecret = "promoter-reader-secret-1";

    private readonly ConcurrentQueue<object> _events = new();
    private RabbitMqVirtualHost? _vhost;
    private SandboxFixture? _sandbox;
    private ServiceHost<modelpromoter::Program>? _host;
    private SqliteStoreFile? _store;
    private Dictionary<string, string?> _settings = [];
    private string? _token;

    public SandboxFixture Sandbox => _sandbox!;

    public ServiceHost<modelpromoter::Program> Host => _host!;

    public IKubernetes Kubernetes => Sandbox.Kubernetes;

    public IMlflowApi Mlflow => Host.Services.GetRequiredService<IMlflowApi>();

    /// <summary>The ServiceAccount the promoter acts as, as the request log names it.</summary>
    public static string PromoterUser => $"system:serviceaccount:{Namespace}:model-promoter";

    /// <summary>What the serving tests observe on the bus, in arrival order.</summary>
    public IReadOnlyList<object> Events => _events.ToList();

    /// <summary>The model-server settings of this cluster's sandbox; a subclass may change them.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> SandboxSettings() =>
    [
        new("Sandbox:ModelServer:LoadTime", "00:00:00.300"),
        new($"Sandbox:s3:ReadOnlyUsers:{ReaderKey}", ReaderSecret),
    ];

    /// <summary>The rules of the promoter's namespaced Role: what its chart grants (its rule file); a subclass may take some away.</summary>
    protected virtual IEnumerable<V1PolicyRule> PromoterRules() =>
        ChartRole.For("modelPromoter", ChartValues.Load()).Rules.Select(rule => rule.ToPolicyRule());

    /// <summary>Per-model policies of the test models, by model name.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> PromoterSettings() => [];

    public async Task InitializeAsync()
    {
        _vhost = await RabbitMqVirtualHost.CreateAsync("serving");
        _sandbox = await SandboxFixture.StartAsync(SandboxSettings());
        await PrepareStackAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Kubernetes:Server"] = Sandbox.KubernetesUrl.ToString(),
            ["Kubernetes:Token"] = _token,
            ["Kubernetes:Namespace"] = Namespace,
            ["Mlflow:Url"] = Sandbox.MlflowUrl.ToString(),
            ["Minio:Endpoint"] = Sandbox.S3Url.GetLeftPart(UriPartial.Authority),
            ["Minio:AccessKey"] = ReaderKey,
            ["Minio:SecretKey"] = ReaderSecret,
            ["SagaStore:SweepInterval"] = "00:00:00.100",
            ["Sagas:StepRetry:First"] = "00:00:00.200",
            ["Sagas:StepRetry:Max"] = "00:00:01",
            ["ModelPromoter:Serving:StartupTimeout"] = "00:05:00",
            ["ModelPromoter:Serving:RolloutDeadline"] = "00:01:00",
            ["ModelPromoter:Serving:SmokeCheckDeadline"] = "00:00:20",
            ["ModelPromoter:Serving:WatcherResync"] = "00:00:02",
            // The sandbox's one node has 8 CPUs and 32 GiB: the homelab's 1 CPU/4Gi per server would fill it after eight.
            ["ModelPromoter:Policies:Default:Resources:CpuRequest"] = "50m",
            ["ModelPromoter:Policies:Default:Resources:MemoryRequest"] = "64Mi",
        };
        foreach (var (key, value) in PromoterSettings())
            settings[key] = value;
        // A store of our own, so a restarted promoter finds its sagas again.
        _store = SqliteStoreFile.Create("serving");
        foreach (var (key, value) in _store.Settings())
            settings[key] = value;
        _settings = settings;
        await StartHostAsync();
    }

    /// <summary>The promoter's settings for this sandbox (clients, timings, policies), without the broker and the store.</summary>
    public Dictionary<string, string?> PromoterSettingsWithoutStore() =>
        _settings.Where(s => !s.Key.StartsWith("SagaStore:", StringComparison.Ordinal) || s.Key == "SagaStore:SweepInterval")
            .ToDictionary(s => s.Key, s => s.Value);

    /// <summary>Stops the promoter (mid-step, if one runs) and starts it again on the same store and vhost.</summary>
    public async Task RestartAsync()
    {
        await _host!.DisposeAsync();
        await StartHostAsync();
    }

    private async Task StartHostAsync()
    {
        _host = new ServiceHost<modelpromoter::Program>(_vhost!.AmqpUrl, _settings).Start();
        var observer = _host.Bus.ConnectReceiveEndpoint("model-promoter-serving-observer", e =>
        {
            e.Handler<ServingRolloutStarted>(c => Record(c.Message));
            e.Handler<ServingRolloutComplete>(c => Record(c.Message));
            e.Handler<ServingRolloutFailed>(c => Record(c.Message));
            e.Handler<ModelPromoted>(c => Record(c.Message));
            e.Handler<ModelRolledBack>(c => Record(c.Message));
            e.Handler<ServingAttemptFinished>(c => Record(c.Message));
            e.Handler<PromoteModel>(c => Record(c.Message));
        });
        await observer.Ready;
        await Eventually.HoldsAsync(async () => await _host.StatusOfAsync("/health/ready") == 200, "the promoter is ready", TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        if (_sandbox is not null)
            await _sandbox.DisposeAsync();
        if (_vhost is not null)
            await _vhost.DisposeAsync();
        if (_store is not null)
            await _store.DisposeAsync();
    }

    /// <summary>Changes a setting of the running promoter (policies are read at each attempt).</summary>
    public void Configure(string key, string? value) => Host.Services.GetRequiredService<IConfiguration>()[key] = value;

    /// <summary>What a Provisioner announced for the stack the tests serve on.</summary>
    public static StackReady Stack => new()
    {
        FlowId = Guid.Empty,
        OccurredAt = DateTimeOffset.UnixEpoch,
        StackName = "homelab",
        Namespace = Namespace,
        MlflowTrackingUri = "http://mlflow.mlflow.svc.cluster.local:5000",
        MinioEndpoint = "http://minio.minio.svc.cluster.local:9000",
        ArtifactBucket = "mlflow",
        Buckets = ["mlflow"],
        Credentials = new StackCredentials { SecretName = CredentialsSecret },
        MinioExchange = "mlops-minio-events",
    };

    /// <summary>Hands a version to its model's serving saga as a promotion would; returns the promotion id.</summary>
    public async Task<Guid> ServeAsync(RegisteredVersion version, bool deliberate = false, string alias = "production", Guid? promotionId = null)
    {
        var id = promotionId ?? Guid.NewGuid();
        await Host.Bus.Publish(new ServeModelVersion
        {
            FlowId = version.FlowId,
            OccurredAt = DateTimeOffset.UtcNow,
            ModelName = version.ModelName,
            Version = version.Version,
            PromotionId = id,
            Alias = alias,
            Deliberate = deliberate,
            Trigger = deliberate ? "PromoteModel" : "ModelRegistered",
            RunId = version.RunId,
            ArtifactLocation = version.ArtifactLocation,
            Stack = Stack,
        });
        return id;
    }

    /// <summary>The answer to one promotion, once it came.</summary>
    public Task<ServingAttemptFinished> AnswerAsync(Guid promotionId, TimeSpan? timeout = null) =>
        Eventually.ReturnsAsync(() => Task.FromResult(Of<ServingAttemptFinished>().FirstOrDefault(a => a.PromotionId == promotionId)),
            $"the serving saga's answer to promotion {promotionId}", timeout ?? TimeSpan.FromSeconds(90));

    /// <summary>Every answer to one promotion (a replay answers again), once there are <paramref name="count"/>.</summary>
    public async Task<IReadOnlyList<ServingAttemptFinished>> AnswersAsync(Guid promotionId, int count, TimeSpan? timeout = null)
    {
        await Eventually.HoldsAsync(() => Of<ServingAttemptFinished>().Count(a => a.PromotionId == promotionId) >= count,
            $"{count} answers to promotion {promotionId}", timeout ?? TimeSpan.FromSeconds(90));
        return Of<ServingAttemptFinished>().Where(a => a.PromotionId == promotionId).ToList();
    }

    /// <summary>Asks for the model's failed serving attempt to be served again.</summary>
    public Task ReplayAsync(string modelName) => Host.Bus.Publish(new ReplaySaga
    {
        FlowId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UtcNow, SagaType = nameof(ServingState),
        CorrelationId = ServingSagaIds.ForModel(modelName), RequestedBy = "ops@homelab",
    });

    /// <summary>Waits until the model's serving saga rests in <paramref name="state"/>.</summary>
    public Task WaitForStateAsync(string modelName, string state, TimeSpan? timeout = null) =>
        Eventually.HoldsAsync(async () => await SagaStateAsync(modelName) == state, $"the serving saga of {modelName} in {state}", timeout ?? TimeSpan.FromSeconds(60));

    public IEnumerable<T> Of<T>() => _events.OfType<T>();

    /// <summary>The model's serving saga as stored.</summary>
    public async Task<ServingState?> ServingStateAsync(string modelName)
    {
        var record = await Host.Services.GetRequiredService<ISagaCatalog>().FindAsync(ServingSagaIds.ForModel(modelName), nameof(ServingState));
        return record is null ? null : System.Text.Json.JsonSerializer.Deserialize<ServingState>(record.Data);
    }

    public async Task<string?> SagaStateAsync(string modelName) =>
        (await Host.Services.GetRequiredService<ISagaCatalog>().FindAsync(ServingSagaIds.ForModel(modelName), nameof(ServingState)))?.State;

    /// <summary>The version an alias points at; null when it points nowhere.</summary>
    public async Task<string?> AliasAsync(string modelName, string alias = "production") =>
        (await Mlflow.FindModelVersionByAliasAsync(modelName, alias))?.Version;

    public Task<V1Deployment?> DeploymentAsync(string name) => Host.Services.GetRequiredService<Mlops.Clients.Kubernetes.IKubernetesClient>().GetAsync<V1Deployment>(name, Namespace);

    /// <summary>The version the Deployment's pods are made to run, from its template.</summary>
    public async Task<string?> TemplateVersionAsync(string deploymentName) =>
        (await DeploymentAsync(deploymentName))?.Spec.Template.Metadata.Annotations[ModelServerLabels.ModelVersionAnnotation];

    /// <summary>Writes of Deployments by the promoter since <paramref name="after"/> (a request-log sequence).</summary>
    public IReadOnlyList<RequestRecord> DeploymentWrites(long after = 0) => Sandbox.Requests.Snapshot("kubernetes")
        .Where(r => r.Sequence > after && r.User == PromoterUser && r.Resource == "deployments" && r.Verb is "create" or "update" or "patch" or "delete"
            && r.StatusCode is >= 200 and < 300)
        .ToList();

    /// <summary>Every Kubernetes write by the promoter since <paramref name="after"/>.</summary>
    public IReadOnlyList<RequestRecord> KubernetesWrites(long after = 0) => Sandbox.Requests.Snapshot("kubernetes")
        .Where(r => r.Sequence > after && r.User == PromoterUser && r.Verb is "create" or "update" or "patch" or "delete" or "deletecollection")
        .ToList();

    /// <summary>The request log's last sequence number, to count what a test causes after it.</summary>
    public long LastRequest => Sandbox.Requests.Snapshot().Select(r => r.Sequence).DefaultIfEmpty(0).Max();

    private Task Record(object message)
    {
        _events.Enqueue(message);
        return Task.CompletedTask;
    }

    // The stack's namespace and Secret, the bucket, and the promoter's ServiceAccount with the chart's namespaced Role.
    private async Task PrepareStackAsync()
    {
        var k = Sandbox.Kubernetes;
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
        await Sandbox.Minio.MakeBucketAsync(new MakeBucketArgs().WithBucket("mlflow"));
        await k.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "model-promoter" } }, Namespace);
        await k.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new V1ObjectMeta { Name = "model-promoter" },
            Rules = PromoterRules().ToList(),
        }, Namespace);
        await k.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "model-promoter" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "model-promoter" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "model-promoter", NamespaceProperty = Namespace }],
        }, Namespace);
        _token = (await k.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { ExpirationSeconds = 7200 } }, "model-promoter", Namespace)).Status.Token;
    }
}
