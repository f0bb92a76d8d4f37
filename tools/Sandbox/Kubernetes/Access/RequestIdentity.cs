namespace Mlops.Sandbox.Kubernetes.Access;

/// <summary>Who sent a request and whom it acts as (the same user unless it impersonates), or why it is refused.</summary>
public sealed record RequestIdentity(UserInfo? Authenticated, UserInfo? Effective, KubernetesApiException? Refusal)
{
    public bool Impersonating => Authenticated is not null && Effective is not null && !ReferenceEquals(Authenticated, Effective);
}
