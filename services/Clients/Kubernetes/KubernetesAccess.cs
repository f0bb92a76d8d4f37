namespace Mlops.Clients.Kubernetes;

/// <summary>Whether the API server lets us do something, and its reason when it does not.</summary>
public sealed record KubernetesAccess(bool Allowed, string? Reason)
{
    public static KubernetesAccess Granted { get; } = new(true, null);
}
