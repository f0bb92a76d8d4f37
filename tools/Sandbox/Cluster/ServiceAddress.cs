using System.Globalization;

namespace Mlops.Sandbox.Cluster;

/// <summary>A Service port as cluster DNS names it: <c>&lt;name&gt;.&lt;namespace&gt;.svc.cluster.local:&lt;port&gt;</c>.</summary>
public sealed record ServiceAddress(string Name, string Namespace, int Port)
{
    public const string ClusterDomain = "cluster.local";

    public string Host => $"{Name}.{Namespace}.svc.{ClusterDomain}";

    public override string ToString() => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Reads <c>host:port</c> where host is a Service's DNS name in any of the forms a pod may use.</summary>
    public static ServiceAddress Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new FormatException($"'{text}' is not a Service address of the form <name>.<namespace>.svc.cluster.local:<port>.");
        return ServiceOf(text[..colon], podNamespace: null) is { } service
            ? new ServiceAddress(service.Name, service.Namespace, port)
            : throw new FormatException($"'{text}' is not a Service address of the form <name>.<namespace>.svc.cluster.local:<port>.");
    }

    /// <summary>
    /// The Service a host name means to a pod in <paramref name="podNamespace"/>, following the pod's DNS search list
    /// (<c>&lt;ns&gt;.svc.cluster.local</c>, <c>svc.cluster.local</c>, <c>cluster.local</c>): <c>mlflow</c> (in the pod's
    /// namespace), <c>mlflow.mlflow</c>, <c>mlflow.mlflow.svc</c>, <c>mlflow.mlflow.svc.cluster.local</c>. Null for other names.
    /// </summary>
    public static (string Name, string Namespace)? ServiceOf(string host, string? podNamespace)
    {
        var labels = host.TrimEnd('.').ToLowerInvariant().Split('.');
        if (labels.Any(l => !IsDnsLabel(l)))
            return null;
        return labels switch
        {
            [var name] when podNamespace is { Length: > 0 } => (name, podNamespace),
            [var name, var ns] => (name, ns),
            [var name, var ns, "svc"] => (name, ns),
            [var name, var ns, "svc", "cluster", "local"] => (name, ns),
            _ => null,
        };
    }

    // RFC 1123 labels, as Service and namespace names are.
    private static bool IsDnsLabel(string label) =>
        label.Length is > 0 and <= 63 && char.IsAsciiLetterOrDigit(label[0]) && char.IsAsciiLetterOrDigit(label[^1])
        && label.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
