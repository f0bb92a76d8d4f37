namespace Mlops.Sandbox.Cluster;

/// <summary>Why an address reaches nothing, as the process would learn it.</summary>
public enum ClusterRouteFailure
{
    /// <summary>The name does not resolve (cluster DNS answers NXDOMAIN).</summary>
    UnknownHost,

    /// <summary>The name resolves but nothing listens there (a Service without ready endpoints, a wrong port, the pod's own loopback).</summary>
    ConnectionRefused,
}
