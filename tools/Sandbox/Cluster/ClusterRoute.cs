using Mlops.Sandbox.Hosting;
using Mlops.Sandbox.Kubernetes.Pods;

namespace Mlops.Sandbox.Cluster;

/// <summary>Where an address leads from inside the cluster: a stand-in (with the pod that backs it, if any), or nowhere and why.</summary>
public sealed record ClusterRoute
{
    /// <summary>The address as given, e.g. <c>http://mlflow.mlflow.svc.cluster.local:5000</c>.</summary>
    public required Uri Address { get; init; }

    public StandIn? StandIn { get; init; }

    /// <summary>The in-cluster process behind the Service, when a pod backs the address.</summary>
    public IContainerProcess? Backing { get; init; }

    public ClusterRouteFailure? Failure { get; init; }

    /// <summary>Why it failed, for logs, e.g. "Service mlflow/mlflow has no ready endpoints".</summary>
    public string Reason { get; init; } = "";

    public bool Reached => StandIn is not null;

    /// <summary>The URL to send the request to instead: the same path and query on the stand-in's loopback URL.</summary>
    public Uri Rewrite(Uri url)
    {
        if (StandIn is null)
            throw new InvalidOperationException($"{Address} reaches nothing: {Reason}");
        var target = new UriBuilder(url) { Scheme = StandIn.Url.Scheme, Host = StandIn.Url.Host, Port = StandIn.Url.Port };
        return target.Uri;
    }
}
