using k8s;
using Microsoft.Extensions.Options;

namespace Mlops.Clients.Kubernetes;

/// <summary>Checks the <c>Kubernetes</c> section at start; every message names the setting to fix.</summary>
public sealed class KubernetesClientOptionsValidation : IValidateOptions<KubernetesClientOptions>
{
    public ValidateOptionsResult Validate(string? name, KubernetesClientOptions options)
    {
        var problems = new List<string>();
        const string s = KubernetesClientOptions.Section;
        if (options.Server is { } server)
        {
            if (!server.IsAbsoluteUri || (server.Scheme != Uri.UriSchemeHttps && server.Scheme != Uri.UriSchemeHttp))
                problems.Add($"{s}:Server must be an absolute http or https URL (got '{server}').");
            if (!string.IsNullOrEmpty(options.Kubeconfig))
                problems.Add($"{s}:Server and {s}:Kubeconfig are both set: use one.");
            if (!string.IsNullOrEmpty(options.Token) && !string.IsNullOrEmpty(options.TokenFile))
                problems.Add($"{s}:Token and {s}:TokenFile are both set: use one.");
            if (!string.IsNullOrEmpty(options.TokenFile) && !File.Exists(options.TokenFile))
                problems.Add($"{s}:TokenFile '{options.TokenFile}' does not exist.");
            if (!string.IsNullOrEmpty(options.CertificateAuthorityFile) && !File.Exists(options.CertificateAuthorityFile))
                problems.Add($"{s}:CertificateAuthorityFile '{options.CertificateAuthorityFile}' does not exist.");
        }
        else if (!string.IsNullOrEmpty(options.Kubeconfig))
        {
            if (!File.Exists(options.Kubeconfig))
                problems.Add($"{s}:Kubeconfig '{options.Kubeconfig}' does not exist.");
        }
        else if (!KubernetesClientConfiguration.IsInCluster() && KubernetesConnection.DefaultKubeconfig() is null)
        {
            problems.Add($"No Kubernetes API server configured: set {s}:Server (with {s}:TokenFile or {s}:Token) or {s}:Kubeconfig; " +
                         "there is no in-cluster service account and no ~/.kube/config (or KUBECONFIG).");
        }
        if (options.Server is null && (!string.IsNullOrEmpty(options.Token) || !string.IsNullOrEmpty(options.TokenFile)))
            problems.Add($"{s}:Token and {s}:TokenFile go with {s}:Server, which is not set.");
        if (options.Namespace is { Length: > 0 } ns && !KubernetesNames.IsLabel(ns))
            problems.Add($"{s}:Namespace '{ns}' is not a valid namespace name (lowercase alphanumerics and '-', at most 63).");
        if (options.Timeout <= TimeSpan.Zero)
            problems.Add($"{s}:Timeout must be positive (got {options.Timeout}).");
        problems.AddRange(options.Resilience.Problems(s));
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
