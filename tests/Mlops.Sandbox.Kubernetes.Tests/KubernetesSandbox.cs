using k8s;
using k8s.Models;
using Mlops.Sandbox.Hosting;
using Xunit;

namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>An in-process sandbox on free ports with short controller timings, a KubernetesClient and kubectl pointed at it.</summary>
public sealed class KubernetesSandbox : IAsyncLifetime, IDisposable
{
    private SandboxHost? _host;
    private Kubectl? _kubectl;
    private k8s.Kubernetes? _client;

    /// <summary>Settings every test sandbox uses: deadlines scaled 1:100, pods ready in 300 ms, jobs run 300 ms.</summary>
    public static Dictionary<string, string?> FastSettings(int watchHistory = 1000) => new()
    {
        ["Sandbox:Kubernetes:ObserveDelay"] = "00:00:00.050",
        ["Sandbox:Kubernetes:PodStartDelay"] = "00:00:00.300",
        ["Sandbox:Kubernetes:JobDuration"] = "00:00:00.300",
        ["Sandbox:Kubernetes:WorkflowPhaseDuration"] = "00:00:00.200",
        ["Sandbox:Kubernetes:UnsealDelay"] = "00:00:00.050",
        ["Sandbox:Kubernetes:TimeScale"] = "0.01",
        ["Sandbox:Kubernetes:WatchHistory"] = watchHistory.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public SandboxHost Host => _host ?? throw new InvalidOperationException("not started");

    public IKubernetes Client => _client ?? throw new InvalidOperationException("not started");

    public Kubectl Kubectl => _kubectl ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _host = await SandboxHost.StartAsync(FastSettings());
        _client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = _host.Kubernetes.Url.ToString().TrimEnd('/') });
        _kubectl = new Kubectl(_host.Kubernetes.Url);
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
        if (_host is not null)
            await _host.DisposeAsync();
    }

    public void Dispose()
    {
        _client?.Dispose();
        _kubectl?.Dispose();
        _client = null;
        _kubectl = null;
    }
}
