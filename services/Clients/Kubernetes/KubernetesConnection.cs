using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Authentication;

namespace Mlops.Clients.Kubernetes;

/// <summary>Turns the <c>Kubernetes</c> section into KubernetesClient's configuration and finds the default namespace.</summary>
internal static class KubernetesConnection
{
    internal const string ServiceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    /// <summary>The configuration and, for the start-up log line, how we authenticate (never the credential itself).</summary>
    public static (KubernetesClientConfiguration Configuration, string Source) Build(KubernetesClientOptions options)
    {
        KubernetesClientConfiguration configuration;
        string source;
        if (options.Server is { } server)
        {
            configuration = new KubernetesClientConfiguration
            {
                Host = server.ToString().TrimEnd('/'),
                SkipTlsVerify = options.SkipTlsVerify,
            };
            if (!string.IsNullOrEmpty(options.TokenFile))
            {
                configuration.TokenProvider = new TokenFileAuth(options.TokenFile);
                source = $"{KubernetesClientOptions.Section}:Server with the token in {options.TokenFile}";
            }
            else if (!string.IsNullOrEmpty(options.Token))
            {
                configuration.AccessToken = options.Token;
                source = $"{KubernetesClientOptions.Section}:Server with {KubernetesClientOptions.Section}:Token";
            }
            else
            {
                source = $"{KubernetesClientOptions.Section}:Server without credentials";
            }
            if (!string.IsNullOrEmpty(options.CertificateAuthorityFile))
            {
                var authorities = new X509Certificate2Collection();
                authorities.ImportFromPemFile(options.CertificateAuthorityFile);
                configuration.SslCaCerts = authorities;
            }
        }
        else if (!string.IsNullOrEmpty(options.Kubeconfig))
        {
            configuration = KubernetesClientConfiguration.BuildConfigFromConfigFile(options.Kubeconfig, NullIfEmpty(options.Context));
            source = $"kubeconfig {options.Kubeconfig}";
        }
        else if (KubernetesClientConfiguration.IsInCluster())
        {
            configuration = KubernetesClientConfiguration.InClusterConfig();
            source = "the in-cluster service account";
        }
        else
        {
            var file = DefaultKubeconfig() ?? throw new InvalidOperationException(
                $"No Kubernetes API server configured: set {KubernetesClientOptions.Section}:Server or {KubernetesClientOptions.Section}:Kubeconfig.");
            configuration = KubernetesClientConfiguration.BuildConfigFromConfigFile(file, NullIfEmpty(options.Context));
            source = $"kubeconfig {file}";
        }
        // KubernetesClient bounds each call itself; the resilience pipeline's overall timeout is meant to fire first.
        configuration.HttpClientTimeout = options.Resilience.TotalTimeout + TimeSpan.FromSeconds(5);
        var connectTimeout = options.Timeout < TimeSpan.FromSeconds(10) ? options.Timeout : TimeSpan.FromSeconds(10);
        configuration.FirstMessageHandlerSetup = handler => handler.ConnectTimeout = connectTimeout;
        return (configuration, source);
    }

    /// <summary>Configured, then <c>POD_NAMESPACE</c>, then the service account's namespace file, then the kubeconfig context's, then <c>default</c>.</summary>
    public static string DefaultNamespace(KubernetesClientOptions options, KubernetesClientConfiguration configuration, string serviceAccountNamespaceFile = ServiceAccountNamespaceFile)
    {
        if (!string.IsNullOrWhiteSpace(options.Namespace))
            return options.Namespace.Trim();
        if (Environment.GetEnvironmentVariable("POD_NAMESPACE") is { Length: > 0 } fromPod)
            return fromPod.Trim();
        if (File.Exists(serviceAccountNamespaceFile) && File.ReadAllText(serviceAccountNamespaceFile).Trim() is { Length: > 0 } fromServiceAccount)
            return fromServiceAccount;
        return string.IsNullOrWhiteSpace(configuration.Namespace) ? "default" : configuration.Namespace;
    }

    /// <summary>The first existing file of <c>KUBECONFIG</c>, else <c>~/.kube/config</c> when it exists.</summary>
    public static string? DefaultKubeconfig()
    {
        if (Environment.GetEnvironmentVariable("KUBECONFIG") is { Length: > 0 } list)
        {
            var first = list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(File.Exists);
            if (first is not null)
                return first;
        }
        var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        return File.Exists(home) ? home : null;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
