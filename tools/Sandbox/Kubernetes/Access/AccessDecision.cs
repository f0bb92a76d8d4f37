namespace Mlops.Sandbox.Kubernetes.Access;

/// <summary>An authorizer's answer: allowed or not, and the reason an access review reports.</summary>
public sealed record AccessDecision(bool Allowed, string Reason)
{
    public static readonly AccessDecision NoOpinion = new(false, "");
}
