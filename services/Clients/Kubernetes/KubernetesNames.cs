using System.Text.RegularExpressions;

namespace Mlops.Clients.Kubernetes;

/// <summary>Kubernetes' name rules, for inputs checked before they reach the API server.</summary>
public static partial class KubernetesNames
{
    /// <summary>A DNS-1123 label: namespaces, services, most label-like names.</summary>
    public static bool IsLabel(string value) => value.Length <= 63 && Label().IsMatch(value);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Label();
}
