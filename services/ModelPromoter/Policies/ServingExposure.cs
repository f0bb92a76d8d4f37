namespace Mlops.ModelPromoter.Policies;

/// <summary>How the model server is reached: a ClusterIP Service, a NodePort, or an Ingress (the homelab used Traefik).</summary>
public sealed record ServingExposure
{
    /// <summary><c>ClusterIP</c>, <c>NodePort</c> or <c>Ingress</c>.</summary>
    public string Kind { get; init; } = "ClusterIP";

    /// <summary>For NodePort: a fixed port (30000–32767); null: Kubernetes picks one.</summary>
    public int? NodePort { get; init; }

    /// <summary>For Ingress: the host name, its class and TLS Secret.</summary>
    public string? IngressHost { get; init; }

    public string? IngressClass { get; init; }

    public string? IngressTlsSecret { get; init; }
}
