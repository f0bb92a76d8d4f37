using System.Net;
using Mlops.Sandbox.Hosting;
using Mlops.Sandbox.Kubernetes.Pods;

namespace Mlops.Sandbox.Cluster;

/// <summary>
/// Resolves addresses as a pod in the sandbox's cluster reaches them. Each stand-in answers to its own loopback URL and
/// to in-cluster Service addresses (<c>Sandbox:Cluster:Addresses:&lt;stand-in&gt;</c>, a comma list of <c>host:port</c>;
/// by default <c>mlflow.mlflow.svc.cluster.local:5000</c> for mlflow and <c>minio.minio.svc.cluster.local:9000</c> for s3).
/// While no such Service exists in the Kubernetes stand-in the address reaches the stand-in directly (the system runs
/// outside the cluster under that name); once one exists, only a ready pod behind it makes the address reach the
/// stand-in, and that pod's process is the route's backing. Any other name does not resolve.
/// </summary>
public sealed class ClusterAddresses
{
    public static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["mlflow"] = "mlflow.mlflow.svc.cluster.local:5000",
        ["s3"] = "minio.minio.svc.cluster.local:9000",
    };

    private readonly SandboxContext _context;
    private readonly List<(StandIn StandIn, IReadOnlyList<ServiceAddress> Addresses)> _standIns = [];

    public ClusterAddresses(SandboxContext context)
    {
        _context = context;
    }

    /// <summary>Makes <paramref name="standIn"/> reachable at its configured in-cluster addresses (or the default for its name).</summary>
    public void Add(StandIn standIn)
    {
        var configured = _context.SectionOf("Cluster").GetSection("Addresses")[standIn.Name] ?? Defaults.GetValueOrDefault(standIn.Name) ?? "";
        var addresses = configured.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(ServiceAddress.Parse)
            .ToList();
        _standIns.Add((standIn, addresses));
    }

    /// <summary>The in-cluster addresses of <paramref name="standIn"/>.</summary>
    public IReadOnlyList<ServiceAddress> AddressesOf(StandIn standIn) =>
        _standIns.FirstOrDefault(s => s.StandIn == standIn).Addresses ?? [];

    /// <summary>The process of a ready pod behind one of <paramref name="standIn"/>'s Services, or null.</summary>
    public IContainerProcess? BackingProcess(StandIn standIn)
    {
        var services = _context.ClusterServices;
        if (services is null)
            return null;
        foreach (var address in AddressesOf(standIn))
        {
            if (services.ReadyEndpoint(address.Namespace, address.Name, address.Port) is { } endpoint)
                return endpoint.Process;
        }
        return null;
    }

    /// <summary>Where <paramref name="url"/> leads for a process in a pod of <paramref name="podNamespace"/> (null outside any pod).</summary>
    public ClusterRoute Resolve(Uri url, string? podNamespace)
    {
        var host = url.IdnHost.Trim('[', ']').TrimEnd('.').ToLowerInvariant();
        var port = url.Port;
        if (host == "localhost" || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip)))
        {
            var local = _standIns.FirstOrDefault(s => Started(s.StandIn) && s.StandIn.Url.Port == port).StandIn;
            return local is not null
                ? new ClusterRoute { Address = url, StandIn = local }
                : Refused(url, $"nothing listens on {host}:{port}");
        }
        // A pod IP or ClusterIP: nothing of the sandbox's listens there (pod-to-pod networking is not acted out).
        if (IPAddress.TryParse(host, out _))
            return Refused(url, $"nothing listens on {host}:{port}");
        if (ServiceAddress.ServiceOf(host, podNamespace) is not { } service)
            return Unknown(url);
        var matches = _standIns.SelectMany(s => s.Addresses.Select(a => (s.StandIn, Address: a)))
            .Where(m => m.Address.Name == service.Name && m.Address.Namespace == service.Namespace)
            .ToList();
        if (matches.Count == 0)
            return Unknown(url);
        var (standIn, address) = matches.FirstOrDefault(m => m.Address.Port == port);
        if (standIn is null)
            return Refused(url, $"Service {service.Namespace}/{service.Name} has no port {port}");
        var services = _context.ClusterServices;
        if (services is null || !services.Exposes(address.Namespace, address.Name, address.Port))
            return new ClusterRoute { Address = url, StandIn = standIn };
        return services.ReadyEndpoint(address.Namespace, address.Name, address.Port) is { } endpoint
            ? new ClusterRoute { Address = url, StandIn = standIn, Backing = endpoint.Process }
            : Refused(url, $"Service {address.Namespace}/{address.Name} has no ready endpoints");
    }

    private static bool Started(StandIn standIn)
    {
        try
        {
            return standIn.Url is not null;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static ClusterRoute Unknown(Uri url) =>
        new() { Address = url, Failure = ClusterRouteFailure.UnknownHost, Reason = $"{url.Host} does not resolve in the cluster" };

    private static ClusterRoute Refused(Uri url, string reason) =>
        new() { Address = url, Failure = ClusterRouteFailure.ConnectionRefused, Reason = reason };
}
