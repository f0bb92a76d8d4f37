namespace Mlops.Provisioner.Stacks;

/// <summary>
/// An in-cluster Service address, <c>http://&lt;service&gt;.&lt;namespace&gt;.svc[.cluster.local]:&lt;port&gt;</c>: where a
/// component the Provisioner installs lives (its Service, its namespace, its port).
/// </summary>
public sealed record ClusterAddress(string Service, string Namespace, int Port)
{
    /// <summary>The address <paramref name="url"/> names, or null when it is not an in-cluster Service address.</summary>
    public static ClusterAddress? Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.HostNameType != UriHostNameType.Dns)
            return null;
        var labels = uri.Host.Split('.');
        var isService = labels is [_, _, "svc"] or [_, _, "svc", "cluster", "local"];
        if (!isService || NamingRules.DnsLabel(labels[0]) is not null || NamingRules.DnsLabel(labels[1]) is not null)
            return null;
        return new ClusterAddress(labels[0], labels[1], uri.Port);
    }

    /// <summary>Why <paramref name="url"/> cannot be the address of a component the Provisioner installs, or null.</summary>
    public static string? Problem(string url) =>
        Parse(url) is null
            ? "must be an in-cluster Service address, http://<service>.<namespace>.svc.cluster.local:<port>, when the component is installed: it names the Service and the namespace the Provisioner installs it as"
            : null;
}
