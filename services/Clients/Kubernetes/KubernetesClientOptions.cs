using Mlops.Clients.Resilience;

namespace Mlops.Clients.Kubernetes;

/// <summary>
/// The <c>Kubernetes</c> section: where the API server is and who we are. One of <see cref="Server"/> (with
/// <see cref="TokenFile"/> or <see cref="Token"/>), <see cref="Kubeconfig"/>, the in-cluster service account or
/// <c>~/.kube/config</c> (or <c>KUBECONFIG</c>), tried in that order.
/// </summary>
public sealed class KubernetesClientOptions
{
    public const string Section = "Kubernetes";

    /// <summary>API server URL, e.g. <c>https://10.0.0.1:6443</c>.</summary>
    public Uri? Server { get; set; }

    /// <summary>File holding a bearer token, re-read when it changes (projected service account tokens rotate).</summary>
    public string? TokenFile { get; set; }

    /// <summary>A bearer token given directly; prefer <see cref="TokenFile"/> so the token stays out of configuration dumps.</summary>
    public string? Token { get; set; }

    /// <summary>PEM file of the CA that signed the API server's certificate (with <see cref="Server"/>).</summary>
    public string? CertificateAuthorityFile { get; set; }

    /// <summary>Accept any server certificate (with <see cref="Server"/>); for throwaway clusters only.</summary>
    public bool SkipTlsVerify { get; set; }

    /// <summary>A kubeconfig file, instead of <see cref="Server"/>.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>The kubeconfig context to use; its current context when empty.</summary>
    public string? Context { get; set; }

    /// <summary>The namespace calls use when they name none; else <c>POD_NAMESPACE</c>, the service account's namespace, the kubeconfig context's, <c>default</c>.</summary>
    public string? Namespace { get; set; }

    /// <summary>Bound on one attempt of one API call (watches excepted: they stay open).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Retry, breaker and overall timeout (<c>Kubernetes:Resilience:*</c>).</summary>
    public ResilienceSettings Resilience { get; set; } = new();
}
