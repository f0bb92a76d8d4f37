using k8s;
using Minio;
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

    /// <summary>Pods ready in 100 ms, Jobs done in 200 ms, generations observed in 50 ms, versions READY in 100 ms, spec deadlines 1:100.</summary>
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

    public async Task InitializeAsync()
    {
        _host = await SandboxHost.StartAsync(_settings);
        _kubernetes = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = KubernetesUrl.ToString().TrimEnd('/') });
        _minio = MinioWith(RootUser, RootPassword);
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
