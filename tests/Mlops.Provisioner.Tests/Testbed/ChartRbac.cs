using k8s;
using k8s.Models;
using Mlops.Testing.Chart;

namespace Mlops.Provisioner.Tests.Testbed;

/// <summary>
/// What the chart gives the Provisioner: a ServiceAccount in its own namespace and, in each namespace it may work in, a
/// Role with the rules docs/provisioner.md lists, bound to that account. Nothing cluster-wide.
/// </summary>
public static class ChartRbac
{
    public const string ServiceNamespace = "mlops";
    public const string ServiceAccount = "provisioner";

    /// <summary>
    /// The Role the chart puts into each of <c>provisioner.namespaces</c>, read from its rule file with every feature on
    /// (in-cluster components included), as <c>ci/postgres-values.yaml</c> installs it.
    /// </summary>
    public static V1Role Role(string ns)
    {
        var role = ChartInstall.RoleIn(ChartRole.For("provisioner", ChartValues.Load("ci/postgres-values.yaml")), ns);
        role.Metadata.Name = "mlops-provisioner";
        return role;
    }

    /// <summary>Makes the account, a Role and binding in each of <paramref name="namespaces"/>, and answers a token of the account.</summary>
    public static async Task<string> GrantAsync(IKubernetes admin, IEnumerable<string> namespaces)
    {
        ArgumentNullException.ThrowIfNull(admin);
        await admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ServiceNamespace } });
        await admin.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = ServiceAccount } }, ServiceNamespace);
        foreach (var ns in namespaces)
        {
            await admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(Role(ns), ns);
            await admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
            {
                Metadata = new V1ObjectMeta { Name = "mlops-provisioner", NamespaceProperty = ns },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "mlops-provisioner" },
                Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = ServiceAccount, NamespaceProperty = ServiceNamespace }],
            }, ns);
        }
        var token = await admin.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { ExpirationSeconds = 3600 } }, ServiceAccount, ServiceNamespace);
        return token.Status.Token;
    }
}
