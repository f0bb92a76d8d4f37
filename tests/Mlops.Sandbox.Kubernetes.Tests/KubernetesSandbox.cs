using k8s;
using k8s.Models;
using Mlops.Sandbox.Hosting;
using Mlops.Testing;
using Xunit;

namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>
/// An in-process sandbox on free ports with short controller timings (the shared <see cref="SandboxFixture"/> with this
/// project's timings), a KubernetesClient and kubectl pointed at it.
/// </summary>
public sealed class KubernetesSandbox : IAsyncLifetime, IDisposable
{
    private SandboxFixture? _fixture;
    private SandboxHost? _host;
    private Task<(string Name, string Version)>? _servable;
    private Kubectl? _kubectl;
    private k8s.Kubernetes? _client;

    /// <summary>
    /// Settings every test sandbox uses: deadlines, probes and back-offs scaled 1:100, pods ready in 300 ms, jobs run
    /// 300 ms, bookmarks every 200 ms.
    /// </summary>
    public static Dictionary<string, string?> FastSettings(int watchHistory = 1000) => new()
    {
        ["Sandbox:Kubernetes:BookmarkInterval"] = "00:00:00.200",
        ["Sandbox:Kubernetes:ObserveDelay"] = "00:00:00.050",
        ["Sandbox:Kubernetes:PodStartDelay"] = "00:00:00.300",
        ["Sandbox:Kubernetes:JobDuration"] = "00:00:00.300",
        ["Sandbox:Kubernetes:WorkflowPhaseDuration"] = "00:00:00.200",
        ["Sandbox:Kubernetes:UnsealDelay"] = "00:00:00.050",
        ["Sandbox:Kubernetes:TimeScale"] = "0.01",
        ["Sandbox:Kubernetes:WatchHistory"] = watchHistory.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public SandboxHost Host => _host ?? throw new InvalidOperationException("not started");

    /// <summary>The shared fixture behind this sandbox: MinIO and MLflow clients, registered models, S3 Secrets.</summary>
    public SandboxFixture Fixture => _fixture ?? throw new InvalidOperationException("not started");

    /// <summary>A READY registered model version that a model server pod can load (one per sandbox, made on first use).</summary>
    public Task<(string Name, string Version)> ServableModelAsync() => _servable ??= Fixture.RegisterModelAsync();

    public IKubernetes Client => _client ?? throw new InvalidOperationException("not started");

    public Kubectl Kubectl => _kubectl ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _fixture = await SandboxFixture.StartAsync(FastSettings());
        _host = _fixture.Host;
        _client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = _host.Kubernetes.Url.ToString().TrimEnd('/') });
        _kubectl = new Kubectl(_host.Kubernetes.Url);
    }

    /// <summary>KubernetesClient with a bearer token (ServiceAccount token from the TokenRequest API), over plain http.</summary>
    public k8s.Kubernetes ClientWithToken(string token) =>
        new(new KubernetesClientConfiguration { Host = Host.Kubernetes.Url.ToString().TrimEnd('/'), AccessToken = token });

    /// <summary>kubectl with a bearer token, over https as kubectl requires for tokens; dispose it after use.</summary>
    public Kubectl KubectlWithToken(string token) => new(Host.Kubernetes.SecureUrl, token, Host.Kubernetes.CertificateAuthorityPem);

    /// <summary>A token for ServiceAccount <paramref name="name"/> from the TokenRequest API.</summary>
    public async Task<string> TokenForAsync(string ns, string name) =>
        (await Client.CoreV1.CreateNamespacedServiceAccountTokenAsync(new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec() }, name, ns)).Status.Token;

    /// <summary>Registers a container program for this sandbox's pods (before the pods that use it start).</summary>
    public ScriptedProgram Program(string image, Func<Pods.ContainerLaunch, Pods.IContainerProcess> start)
    {
        var program = new ScriptedProgram(image, start);
        Host.Context.ContainerPrograms.Add(program);
        return program;
    }

    /// <summary>A fresh namespace, so tests sharing this sandbox do not see each other's objects.</summary>
    public async Task<string> NewNamespaceAsync(string prefix = "test")
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }

    public async Task DisposeAsync()
    {
        Dispose();
        if (_fixture is not null)
            await _fixture.DisposeAsync();
    }

    public void Dispose()
    {
        _client?.Dispose();
        _kubectl?.Dispose();
        _client = null;
        _kubectl = null;
    }
}
