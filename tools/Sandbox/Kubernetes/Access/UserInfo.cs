namespace Mlops.Sandbox.Kubernetes.Access;

/// <summary>Who a request acts as, as the API server's authenticators and impersonation produce it.</summary>
public sealed record UserInfo(string Name, IReadOnlyList<string> Groups, string? Uid = null)
{
    public const string Authenticated = "system:authenticated";
    public const string Masters = "system:masters";
    public const string ServiceAccountPrefix = "system:serviceaccount:";

    /// <summary>What a request without a token acts as: a local admin kubeconfig's user.</summary>
    public static UserInfo ClusterAdmin { get; } = new("kubernetes-admin", [Masters, Authenticated]);

    public bool IsPrivileged => Groups.Contains(Masters);

    /// <summary>The groups a ServiceAccount's tokens carry.</summary>
    public static IReadOnlyList<string> ServiceAccountGroups(string ns) => ["system:serviceaccounts", $"system:serviceaccounts:{ns}", Authenticated];

    /// <summary>Namespace and name when <paramref name="userName"/> is <c>system:serviceaccount:&lt;ns&gt;:&lt;name&gt;</c>.</summary>
    public static (string Namespace, string Name)? SplitServiceAccount(string userName)
    {
        if (!userName.StartsWith(ServiceAccountPrefix, StringComparison.Ordinal))
            return null;
        var parts = userName[ServiceAccountPrefix.Length..].Split(':');
        return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0 ? (parts[0], parts[1]) : null;
    }
}
