using k8s;
using k8s.Models;

namespace Mlops.Testing.Chart;

/// <summary>
/// What the chart installs for RBAC, applied to a cluster as the chart would: the namespaces, one ServiceAccount per service
/// in the release namespace, and in each of a service's namespaces its Role and a RoleBinding to that account.
/// </summary>
public static class ChartInstall
{
    /// <summary>The namespace the chart is installed in (its services' accounts live there).</summary>
    public const string ReleaseNamespace = "mlops";

    /// <summary>The ServiceAccount of a values block (<c>modelPromoter</c> → <c>model-promoter</c>).</summary>
    public static string ServiceAccountOf(string service) => service switch
    {
        "provisioner" => "provisioner",
        "trainingCoordinator" => "training-coordinator",
        "modelPromoter" => "model-promoter",
        _ => throw new ArgumentException($"no service account for values block {service}", nameof(service)),
    };

    /// <summary>The user the API server sees for a service's account, as the request log names it.</summary>
    public static string UserOf(string service) => $"system:serviceaccount:{ReleaseNamespace}:{ServiceAccountOf(service)}";

    /// <summary>Every namespace the chart makes for <paramref name="roles"/>: theirs and the release namespace.</summary>
    public static IReadOnlyList<string> Namespaces(IEnumerable<ChartRole> roles) =>
        roles.SelectMany(r => r.Namespaces).Append(ReleaseNamespace).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>A Role of <paramref name="role"/>'s rules in <paramref name="ns"/>, named as the chart names it.</summary>
    public static V1Role RoleIn(ChartRole role, string ns)
    {
        ArgumentNullException.ThrowIfNull(role);
        return new V1Role
        {
            Metadata = new V1ObjectMeta { Name = RoleName(role.Service), NamespaceProperty = ns },
            Rules = role.Rules.Select(r => r.ToPolicyRule()).ToList(),
        };
    }

    /// <summary>Applies the namespaces, accounts, Roles and bindings; answers each service's token (TokenRequest API), by values block.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ApplyAsync(IKubernetes admin, IReadOnlyList<ChartRole> roles)
    {
        ArgumentNullException.ThrowIfNull(admin);
        ArgumentNullException.ThrowIfNull(roles);
        var existing = (await admin.CoreV1.ListNamespaceAsync()).Items.Select(n => n.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var ns in Namespaces(roles).Where(n => !existing.Contains(n)))
            await admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var role in roles)
        {
            var account = ServiceAccountOf(role.Service);
            await admin.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = account } }, ReleaseNamespace);
            foreach (var ns in role.Namespaces)
            {
                await admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(RoleIn(role, ns), ns);
                await admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
                {
                    Metadata = new V1ObjectMeta { Name = RoleName(role.Service), NamespaceProperty = ns },
                    RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = RoleName(role.Service) },
                    Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = account, NamespaceProperty = ReleaseNamespace }],
                }, ns);
            }
            tokens[role.Service] = (await admin.CoreV1.CreateNamespacedServiceAccountTokenAsync(
                new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { ExpirationSeconds = 7200 } }, account, ReleaseNamespace)).Status.Token;
        }
        return tokens;
    }

    private static string RoleName(string service) => $"{ChartValues.ChartName}-{ServiceAccountOf(service)}";
}
