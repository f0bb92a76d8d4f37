using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using Minio;
using Minio.DataModel.Args;
using Mlops.Sandbox.Control;
using Mlops.Sandbox.Faults;
using Mlops.Sandbox.Hosting;
using Xunit;

namespace Mlops.Testing;

/// <summary>
/// The in-process sandbox (Kubernetes, MLflow and MinIO stand-ins on free loopback ports) with timings short enough for
/// tests, and the official clients pointed at it. Use it as an xunit class fixture or start one with <see cref="StartAsync"/>.
/// </summary>
public sealed class SandboxFixture : IAsyncLifetime, IAsyncDisposable
{
    /// <summary>The MinIO root user the s3 stand-in starts with.</summary>
    public const string RootUser = "minioadmin";

    /// <summary>The MinIO root password the s3 stand-in starts with.</summary>
    public const string RootPassword = "minioadmin";

    /// <summary>A MinIO user (not the root) that pods get through a Secret, as a stack gives its workloads their own keys.</summary>
    public const string PodAccessKey = "mlops-pods";

    /// <summary>The secret key of <see cref="PodAccessKey"/>.</summary>
    public const string PodSecretKey = "mlops-pods-secret";

    /// <summary>The product's model-server image: MLflow with boto3 and PyTorch, so it serves <c>cnn_classifier</c> from S3.</summary>
    public const string ModelServerImage = "ghcr.io/mlops-control-plane/mlflow-model-server-pytorch:1.0.0";

    /// <summary>MLflow as pods reach it.</summary>
    public const string InClusterMlflowUrl = "http://mlflow.mlflow.svc.cluster.local:5000";

    /// <summary>MinIO as pods reach it.</summary>
    public const string InClusterS3Url = "http://minio.minio.svc.cluster.local:9000";

    /// <summary>The Secret <see cref="CreateS3SecretAsync"/> makes, named as the original stack named it.</summary>
    public const string S3SecretName = "minio-credentials";

    /// <summary>The MLmodel of a PyTorch model as <c>mlflow.pytorch.log_model</c> writes it (a <c>model_uuid</c> line is added per model).</summary>
    public const string PytorchMlmodel = "artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.pytorch\n    python_version: 3.10.16\n  pytorch:\n    pytorch_version: 2.5.1\nmlflow_version: 2.21.3\n";

    private readonly Dictionary<string, string?> _settings;
    private SandboxHost? _host;
    private k8s.Kubernetes? _kubernetes;
    private IMinioClient? _minio;
    private HttpClient? _mlflow;

    /// <summary>A fixture with <see cref="FastSettings"/>, as xunit creates it.</summary>
    public SandboxFixture()
    {
        _settings = FastSettings();
    }

    private SandboxFixture(IEnumerable<KeyValuePair<string, string?>>? settings)
    {
        _settings = FastSettings();
        foreach (var (key, value) in settings ?? [])
            _settings[key] = value;
    }

    /// <summary>
    /// Pods ready in 100 ms, Jobs done in 200 ms, generations observed in 50 ms, versions READY in 100 ms, models loaded in
    /// 200 ms, spec deadlines 1:100; MinIO user <see cref="PodAccessKey"/>; MLflow webhooks to loopback http receivers allowed.
    /// </summary>
    public static Dictionary<string, string?> FastSettings() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Sandbox:Kubernetes:ObserveDelay"] = "00:00:00.050",
        ["Sandbox:Kubernetes:PodStartDelay"] = "00:00:00.100",
        ["Sandbox:Kubernetes:JobDuration"] = "00:00:00.200",
        ["Sandbox:Kubernetes:WorkflowPhaseDuration"] = "00:00:00.100",
        ["Sandbox:Kubernetes:UnsealDelay"] = "00:00:00.050",
        ["Sandbox:Kubernetes:TimeScale"] = "0.01",
        ["Sandbox:mlflow:ModelVersionReadyDelay"] = "00:00:00.100",
        ["Sandbox:mlflow:WebhookRetryBaseDelay"] = "00:00:00.100",
        ["Sandbox:s3:RootUser"] = RootUser,
        ["Sandbox:s3:RootPassword"] = RootPassword,
        [$"Sandbox:s3:Users:{PodAccessKey}"] = PodSecretKey,
        ["Sandbox:ModelServer:LoadTime"] = "00:00:00.200",
        // Test receivers listen on loopback over http, which MLflow 3.10 refuses unless both settings allow it.
        ["Sandbox:mlflow:MLFLOW_WEBHOOK_ALLOWED_SCHEMES"] = "http,https",
        ["Sandbox:mlflow:MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS"] = "true",
    };

    /// <summary>Starts a sandbox with <see cref="FastSettings"/> plus <paramref name="settings"/>.</summary>
    public static async Task<SandboxFixture> StartAsync(IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var fixture = new SandboxFixture(settings);
        await fixture.InitializeAsync();
        return fixture;
    }

    public SandboxHost Host => _host ?? throw NotStarted();

    public Uri KubernetesUrl => Host.UrlOf("kubernetes");

    public Uri MlflowUrl => Host.UrlOf("mlflow");

    public Uri S3Url => Host.UrlOf("s3");

    /// <summary>KubernetesClient pointed at the Kubernetes stand-in.</summary>
    public IKubernetes Kubernetes => _kubernetes ?? throw NotStarted();

    /// <summary>The Minio SDK pointed at the s3 stand-in with the root keys.</summary>
    public IMinioClient Minio => _minio ?? throw NotStarted();

    /// <summary>An HttpClient whose base address is the MLflow stand-in (requests go to <c>api/2.0/mlflow/…</c>).</summary>
    public HttpClient Mlflow => _mlflow ?? throw NotStarted();

    /// <summary>Every request each stand-in answered, for asserting what a product did.</summary>
    public RequestLog Requests => Host.Requests;

    /// <summary>Fault injection: e.g. <c>Faults.Set("mlflow", "runs", new FaultRule { ErrorRate = 1, StatusCodes = [503] })</c>.</summary>
    public FaultInjection Faults => Host.Faults;

    /// <summary>Every request to <paramref name="group"/> of <paramref name="standIn"/> answers 503 from now for <paramref name="duration"/>; returns when it ends.</summary>
    public DateTimeOffset StartOutage(string standIn, string group, TimeSpan duration)
    {
        var now = DateTimeOffset.UtcNow;
        Faults.Set(standIn, group, new FaultRule { Outages = [new OutageWindow(now, now + duration)] });
        return now + duration;
    }

    /// <summary>A Minio SDK client with other keys, e.g. to see what a wrong secret gets.</summary>
    public IMinioClient MinioWith(string accessKey, string secretKey) =>
        new MinioClient().WithEndpoint(S3Url.Host, S3Url.Port).WithCredentials(accessKey, secretKey).WithRegion("us-east-1").Build();

    /// <summary>A fresh namespace, so tests sharing one sandbox do not see each other's objects.</summary>
    public async Task<string> NewNamespaceAsync(string prefix = "test")
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
        await Kubernetes.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }

    /// <summary>A token for ServiceAccount <paramref name="serviceAccount"/> from the TokenRequest API (what <c>kubectl create token</c> asks for).</summary>
    public async Task<string> ServiceAccountTokenAsync(string ns, string serviceAccount) =>
        (await Kubernetes.CoreV1.CreateNamespacedServiceAccountTokenAsync(new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec() }, serviceAccount, ns)).Status.Token;

    /// <summary>KubernetesClient sending <paramref name="token"/>; dispose it after use.</summary>
    public k8s.Kubernetes KubernetesWithToken(string token) =>
        new(new KubernetesClientConfiguration { Host = KubernetesUrl.ToString().TrimEnd('/'), AccessToken = token });

    /// <summary>
    /// A client acting as ServiceAccount <paramref name="serviceAccount"/> of <paramref name="ns"/> (created if missing), bound
    /// to a Role of exactly <paramref name="rules"/>: <c>await sandbox.KubernetesAsAsync(ns, "promoter", new V1PolicyRule {
    /// ApiGroups = ["apps"], Resources = ["deployments"], Verbs = ["get"] })</c>. Dispose it after use.
    /// </summary>
    public async Task<k8s.Kubernetes> KubernetesAsAsync(string ns, string serviceAccount, params V1PolicyRule[] rules)
    {
        if ((await Kubernetes.CoreV1.ListNamespacedServiceAccountAsync(ns, fieldSelector: $"metadata.name={serviceAccount}")).Items.Count == 0)
            await Kubernetes.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = serviceAccount } }, ns);
        var role = $"{serviceAccount}-{Guid.NewGuid().ToString("N")[..6]}";
        await Kubernetes.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role { Metadata = new V1ObjectMeta { Name = role }, Rules = rules }, ns);
        await Kubernetes.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = role },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = role },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = serviceAccount, NamespaceProperty = ns }],
        }, ns);
        return KubernetesWithToken(await ServiceAccountTokenAsync(ns, serviceAccount));
    }

    /// <summary>
    /// Secret <paramref name="name"/> in <paramref name="ns"/> with <c>AWS_ACCESS_KEY_ID</c> and <c>AWS_SECRET_ACCESS_KEY</c>
    /// (by default the pod user's keys), for pods to take by secretKeyRef.
    /// </summary>
    public Task<V1Secret> CreateS3SecretAsync(string ns, string name = S3SecretName, string accessKey = PodAccessKey, string secretKey = PodSecretKey) =>
        Kubernetes.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = name },
            Data = new Dictionary<string, byte[]>
            {
                ["AWS_ACCESS_KEY_ID"] = Encoding.UTF8.GetBytes(accessKey),
                ["AWS_SECRET_ACCESS_KEY"] = Encoding.UTF8.GetBytes(secretKey),
            },
        }, ns);

    /// <summary>
    /// A PyTorch model logged as a training run leaves it (its files under the run's <c>artifacts/model/</c> in bucket
    /// <c>mlflow</c>, MLmodel last) and registered as version 1 of <paramref name="name"/> (a new name when null), waited for
    /// until READY, or FAILED_REGISTRATION when <paramref name="ready"/> is false. <paramref name="mlmodel"/> replaces the
    /// PyTorch MLmodel, e.g. for a flavour served by another image.
    /// </summary>
    public async Task<(string Name, string Version)> RegisterModelAsync(string? name = null, bool ready = true, string? mlmodel = null)
    {
        name ??= $"cnn_classifier_{Guid.NewGuid():N}"[..24];
        var run = (await MlflowAsync("runs/create", new { experiment_id = "0" })).GetProperty("run").GetProperty("info");
        var source = run.GetProperty("artifact_uri").GetString() + "/model";
        if (!await Minio.BucketExistsAsync(new BucketExistsArgs().WithBucket("mlflow")))
            await Minio.MakeBucketAsync(new MakeBucketArgs().WithBucket("mlflow"));
        var prefix = source["s3://mlflow/".Length..];
        foreach (var (file, content) in new[] { ("data/model.pth", "weights"), ("requirements.txt", "torch==2.5.1\n"), ("MLmodel", (mlmodel ?? PytorchMlmodel) + $"model_uuid: {Guid.NewGuid():N}\n") })
        {
            var bytes = Encoding.UTF8.GetBytes(content);
            using var stream = new MemoryStream(bytes);
            await Minio.PutObjectAsync(new PutObjectArgs().WithBucket("mlflow").WithObject($"{prefix}/{file}").WithStreamData(stream).WithObjectSize(bytes.Length));
        }
        using (var created = await Mlflow.PostAsJsonAsync("api/2.0/mlflow/registered-models/create", new { name }))
        {
            // An existing name is MLflow's 400 RESOURCE_ALREADY_EXISTS: the new version goes to it.
            if (!created.IsSuccessStatusCode && created.StatusCode != System.Net.HttpStatusCode.BadRequest)
                created.EnsureSuccessStatusCode();
        }
        var tags = ready ? [] : new[] { new { key = "sandbox.fail_registration", value = "true" } };
        var version = (await MlflowAsync("model-versions/create", new { name, source, run_id = run.GetProperty("run_id").GetString(), tags }))
            .GetProperty("model_version").GetProperty("version").GetString()!;
        var wanted = ready ? "READY" : "FAILED_REGISTRATION";
        await Eventually.HoldsAsync(async () =>
        {
            using var answer = await Mlflow.GetAsync($"api/2.0/mlflow/model-versions/get?name={Uri.EscapeDataString(name)}&version={version}");
            using var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            return body.RootElement.GetProperty("model_version").GetProperty("status").GetString() == wanted;
        }, $"version {version} of {name} to be {wanted}");
        return (name, version);
    }

    private async Task<JsonElement> MlflowAsync(string path, object body)
    {
        using var answer = await Mlflow.PostAsJsonAsync($"api/2.0/mlflow/{path}", body);
        var text = await answer.Content.ReadAsStringAsync();
        if (!answer.IsSuccessStatusCode)
            throw new InvalidOperationException($"MLflow answered {(int)answer.StatusCode} to {path}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task InitializeAsync()
    {
        _host = await SandboxHost.StartAsync(_settings);
        _kubernetes = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = KubernetesUrl.ToString().TrimEnd('/') });
        // The root keys as this sandbox was started with them: a run may choose its own.
        _minio = MinioWith(_settings["Sandbox:s3:RootUser"] ?? RootUser, _settings["Sandbox:s3:RootPassword"] ?? RootPassword);
        _mlflow = new HttpClient { BaseAddress = MlflowUrl };
    }

    public async Task DisposeAsync()
    {
        _mlflow?.Dispose();
        _minio?.Dispose();
        _kubernetes?.Dispose();
        if (_host is not null)
            await _host.DisposeAsync();
        _host = null;
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    private static InvalidOperationException NotStarted() => new("The sandbox is not started: call InitializeAsync (xunit does for a fixture).");
}
