using k8s;
using k8s.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mlops.Clients.Kubernetes;
using Testcontainers.K3s;

namespace Mlops.ContainerTests;

/// <summary>
/// One K3s in a container for the collection's tests, reached through the product's Kubernetes client
/// (<c>AddKubernetesClient</c>) as cluster admin from its kubeconfig, or as a ServiceAccount with its token.
/// Nothing starts without a Docker engine.
/// </summary>
public sealed class K3sCluster : IAsyncLifetime
{
    private readonly List<IHost> _hosts = [];
    private K3sContainer? _container;
    private string _directory = "";

    /// <summary>The cluster's admin: what sets up Namespaces, Roles and ServiceAccounts for the tests.</summary>
    public IKubernetesClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!DockerEngine.IsReachable)
            return;
        _container = new K3sBuilder(ContainerImages.K3s).Build();
        await _container.StartAsync();
        _directory = Directory.CreateTempSubdirectory("mlops-k3s-").FullName;
        var kubeconfig = Path.Combine(_directory, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, await _container.GetKubeconfigAsync());
        // The cluster's CA, for clients that come with a token instead of the kubeconfig.
        var cluster = (await KubernetesClientConfiguration.LoadKubeConfigAsync(new FileInfo(kubeconfig))).Clusters.Single().ClusterEndpoint;
        await File.WriteAllBytesAsync(Path.Combine(_directory, "ca.crt"), Convert.FromBase64String(cluster.CertificateAuthorityData));
        Server = new Uri(cluster.Server);
        Admin = Client(new Dictionary<string, string?> { ["Kubernetes:Kubeconfig"] = kubeconfig });
    }

    /// <summary>The API server's URL from this machine.</summary>
    public Uri Server { get; private set; } = null!;

    /// <summary>The product's client acting as <paramref name="serviceAccount"/>, with a token the API server issued for it.</summary>
    public async Task<IKubernetesClient> ClientForAsync(string ns, string serviceAccount, string defaultNamespace)
    {
        var token = await Admin.Api.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { ExpirationSeconds = 3600 } }, serviceAccount, ns);
        var tokenFile = Path.Combine(_directory, $"{ns}-{serviceAccount}.token");
        await File.WriteAllTextAsync(tokenFile, token.Status.Token);
        return Client(new Dictionary<string, string?>
        {
            ["Kubernetes:Server"] = Server.ToString(),
            ["Kubernetes:TokenFile"] = tokenFile,
            ["Kubernetes:CertificateAuthorityFile"] = Path.Combine(_directory, "ca.crt"),
            ["Kubernetes:Namespace"] = defaultNamespace,
        });
    }

    /// <summary>A namespace of the test's own (the caller deletes it, or the cluster goes with the run).</summary>
    public async Task<string> CreateNamespaceAsync(string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
        await Admin.CreateAsync(new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }

    public async Task EnsureNamespaceAsync(string name)
    {
        if (await Admin.GetAsync<V1Namespace>(name) is null)
            await Admin.CreateAsync(new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = name } });
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.StopAsync();
            host.Dispose();
        }
        if (_container is not null)
            await _container.DisposeAsync();
        if (_directory.Length > 0)
            Directory.Delete(_directory, recursive: true);
    }

    private IKubernetesClient Client(IDictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddKubernetesClient();
        var host = builder.Build();
        _hosts.Add(host);
        return host.Services.GetRequiredService<IKubernetesClient>();
    }
}
