using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Mlops.Testing;
using Xunit;

namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>ServiceAccount tokens are authenticated and authorized by the served RBAC objects, with the API server's refusals.</summary>
public sealed class AccessControlTests(KubernetesSandbox sandbox) : IClassFixture<KubernetesSandbox>
{
    private IKubernetes Admin => sandbox.Client;

    // A ServiceAccount bound to a Role that allows only get on deployments.
    private async Task<(string Namespace, string Token)> DeploymentReaderAsync()
    {
        var ns = await sandbox.NewNamespaceAsync();
        await Admin.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "promoter" } }, ns);
        await Admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new V1ObjectMeta { Name = "deployment-reader" },
            Rules = [new V1PolicyRule { ApiGroups = ["apps"], Resources = ["deployments"], Verbs = ["get"] }],
        }, ns);
        await Admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "promoter-reads-deployments" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "deployment-reader" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "promoter", NamespaceProperty = ns }],
        }, ns);
        await Admin.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("serve", "ghcr.io/mlflow/mlflow:v2.21.3"), ns);
        return (ns, await sandbox.TokenForAsync(ns, "promoter"));
    }

    [Fact]
    public async Task Should_let_a_role_that_allows_get_deployments_get_one_and_refuse_a_create_with_the_real_message()
    {
        var (ns, token) = await DeploymentReaderAsync();
        using var promoter = sandbox.ClientWithToken(token);

        var read = await promoter.AppsV1.ReadNamespacedDeploymentAsync("serve", ns);
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => promoter.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("other", "x:1"), ns));
        var status = KubernetesJson.Deserialize<V1Status>(refused.Response.Content);

        Assert.Equal("serve", read.Metadata.Name);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Response.StatusCode);
        Assert.Equal(("Forbidden", 403), (status.Reason, status.Code ?? 0));
        Assert.Equal($"deployments.apps is forbidden: User \"system:serviceaccount:{ns}:promoter\" cannot create resource \"deployments\" in API group \"apps\" in the namespace \"{ns}\"", status.Message);
        Assert.Null(await Record.ExceptionAsync(() => Admin.AppsV1.ReadNamespacedDeploymentAsync("serve", ns)));
    }

    [Fact]
    public async Task Should_refuse_kubectl_with_the_token_a_create_and_a_cluster_scoped_list()
    {
        var (ns, token) = await DeploymentReaderAsync();
        using var kubectl = sandbox.KubectlWithToken(token);

        var get = await kubectl.RunAsync("get", "deployment", "serve", "-n", ns);
        var create = await kubectl.RunAsync("create", "deployment", "other", "--image=nginx:1.25", "-n", ns);
        var namespaces = await kubectl.RunAsync("get", "namespaces");
        var secrets = await kubectl.RunAsync("get", "secret", "minio-credentials", "-n", ns);

        Assert.Equal(0, get.ExitCode);
        Assert.Matches(@"(?m)^serve\s+", get.Output);
        Assert.Contains($"deployments.apps is forbidden: User \"system:serviceaccount:{ns}:promoter\" cannot create resource \"deployments\" in API group \"apps\" in the namespace \"{ns}\"", create.Error);
        Assert.Contains($"namespaces is forbidden: User \"system:serviceaccount:{ns}:promoter\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope", namespaces.Error);
        Assert.Contains($"secrets \"minio-credentials\" is forbidden: User \"system:serviceaccount:{ns}:promoter\" cannot get resource \"secrets\" in API group \"\" in the namespace \"{ns}\"", secrets.Error);
    }

    [Fact]
    public async Task Should_answer_kubectl_auth_can_i_as_the_service_account_yes_and_no()
    {
        var (ns, _) = await DeploymentReaderAsync();

        var get = await sandbox.Kubectl.RunAsync("auth", "can-i", $"--as=system:serviceaccount:{ns}:promoter", "get", "deployments", "-n", ns);
        var create = await sandbox.Kubectl.RunAsync("auth", "can-i", $"--as=system:serviceaccount:{ns}:promoter", "create", "deployments", "-n", ns);
        var elsewhere = await sandbox.Kubectl.RunAsync("auth", "can-i", $"--as=system:serviceaccount:{ns}:promoter", "get", "deployments", "-n", "default");
        var admin = await sandbox.Kubectl.RunAsync("auth", "can-i", "create", "namespaces");
        var list = (await sandbox.Kubectl.RunAsync("auth", "can-i", "--list", $"--as=system:serviceaccount:{ns}:promoter", "-n", ns)).Succeeded();

        Assert.Equal((0, "yes"), (get.ExitCode, get.Output.Trim()));
        Assert.Equal((1, "no"), (create.ExitCode, create.Output.Trim()));
        Assert.Equal((1, "no"), (elsewhere.ExitCode, elsewhere.Output.Trim()));
        Assert.Equal((0, "yes"), (admin.ExitCode, admin.Output.Trim()));
        Assert.Matches(@"(?m)^deployments\.apps\s+\[\]\s+\[\]\s+\[get\]$", list.Output);
        Assert.DoesNotMatch(@"(?m)^secrets", list.Output);
    }

    [Fact]
    public async Task Should_issue_a_working_token_with_kubectl_create_token()
    {
        var (ns, _) = await DeploymentReaderAsync();

        var issued = (await sandbox.Kubectl.RunAsync("create", "token", "promoter", "-n", ns, "--duration=20m")).Succeeded();
        using var kubectl = sandbox.KubectlWithToken(issued.Output.Trim());
        var whoami = (await kubectl.RunAsync("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")).Succeeded();
        var short_ = await sandbox.Kubectl.RunAsync("create", "token", "promoter", "-n", ns, "--duration=5m");
        var missing = await sandbox.Kubectl.RunAsync("create", "token", "absent", "-n", ns);

        Assert.Equal(3, issued.Output.Trim().Split('.').Length);
        Assert.Equal($"system:serviceaccount:{ns}:promoter", whoami.Output);
        Assert.Contains("may not specify a duration less than 10 minutes", short_.Error);
        Assert.Contains("serviceaccounts \"absent\" not found", missing.Error);
    }

    [Fact]
    public async Task Should_answer_401_for_a_bad_token_and_for_one_whose_service_account_is_gone()
    {
        var (ns, token) = await DeploymentReaderAsync();
        using var forged = sandbox.ClientWithToken(token[..^4] + "AAAA");
        using var promoter = sandbox.ClientWithToken(token);
        await Admin.CoreV1.DeleteNamespacedServiceAccountAsync("promoter", ns);

        var badSignature = await Assert.ThrowsAsync<HttpOperationException>(() => forged.AppsV1.ReadNamespacedDeploymentAsync("serve", ns));
        var revoked = await Assert.ThrowsAsync<HttpOperationException>(() => promoter.AppsV1.ReadNamespacedDeploymentAsync("serve", ns));

        Assert.Equal(HttpStatusCode.Unauthorized, badSignature.Response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(revoked.Response.Content);
        Assert.Equal(("Unauthorized", "Unauthorized", 401), (status.Reason, status.Message, status.Code ?? 0));
    }

    [Fact]
    public async Task Should_allow_a_subresource_only_when_a_rule_names_it_and_a_resource_name_only_when_listed()
    {
        var (ns, token) = await DeploymentReaderAsync();
        await Admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new V1ObjectMeta { Name = "one-status" },
            Rules = [new V1PolicyRule { ApiGroups = ["apps"], Resources = ["deployments/status"], ResourceNames = ["serve"], Verbs = ["get"] }],
        }, ns);
        await Admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "promoter-one-status" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "one-status" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "promoter" }],
        }, ns);
        using var promoter = sandbox.ClientWithToken(token);

        var status = await promoter.AppsV1.ReadNamespacedDeploymentStatusAsync("serve", ns);
        var scale = await Assert.ThrowsAsync<HttpOperationException>(() => promoter.AppsV1.ReadNamespacedDeploymentScaleAsync("serve", ns));
        var list = await Assert.ThrowsAsync<HttpOperationException>(() => promoter.AppsV1.ListNamespacedDeploymentAsync(ns));

        Assert.Equal("serve", status.Metadata.Name);
        Assert.Contains("cannot get resource \"deployments/scale\" in API group \"apps\"", KubernetesJson.Deserialize<V1Status>(scale.Response.Content).Message);
        Assert.Contains("cannot list resource \"deployments\"", KubernetesJson.Deserialize<V1Status>(list.Response.Content).Message);
    }

    [Fact]
    public async Task Should_authorize_the_service_proxy_as_services_proxy_with_the_methods_verb()
    {
        var (ns, token) = await DeploymentReaderAsync();
        using var http = new HttpClient { BaseAddress = sandbox.Host.Kubernetes.Url };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        using var get = await http.GetAsync($"api/v1/namespaces/{ns}/services/serve:5001/proxy/ping");
        using var post = await http.PostAsync($"api/v1/namespaces/{ns}/services/serve:5001/proxy/invocations", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.Forbidden, get.StatusCode);
        Assert.Equal($"services \"serve:5001\" is forbidden: User \"system:serviceaccount:{ns}:promoter\" cannot get resource \"services/proxy\" in API group \"\" in the namespace \"{ns}\"",
            KubernetesJson.Deserialize<V1Status>(await get.Content.ReadAsStringAsync()).Message);
        Assert.Contains("cannot create resource \"services/proxy\"", KubernetesJson.Deserialize<V1Status>(await post.Content.ReadAsStringAsync()).Message);
    }

    [Fact]
    public async Task Should_answer_access_reviews_with_the_rbac_reason()
    {
        var (ns, token) = await DeploymentReaderAsync();
        using var promoter = sandbox.ClientWithToken(token);

        var allowed = await promoter.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(new V1SelfSubjectAccessReview
        {
            Spec = new V1SelfSubjectAccessReviewSpec { ResourceAttributes = new V1ResourceAttributes { NamespaceProperty = ns, Verb = "get", Group = "apps", Resource = "deployments" } },
        });
        var denied = await Admin.AuthorizationV1.CreateSubjectAccessReviewAsync(new V1SubjectAccessReview
        {
            Spec = new V1SubjectAccessReviewSpec
            {
                User = $"system:serviceaccount:{ns}:promoter",
                ResourceAttributes = new V1ResourceAttributes { NamespaceProperty = ns, Verb = "delete", Group = "apps", Resource = "deployments", Name = "serve" },
            },
        });

        Assert.True(allowed.Status.Allowed);
        Assert.Equal($"RBAC: allowed by RoleBinding \"promoter-reads-deployments/{ns}\" of Role \"deployment-reader\" to ServiceAccount \"promoter/{ns}\"", allowed.Status.Reason);
        Assert.False(denied.Status.Allowed);
    }

    [Fact]
    public async Task Should_let_only_privileged_callers_impersonate()
    {
        var (ns, token) = await DeploymentReaderAsync();
        using var http = new HttpClient { BaseAddress = sandbox.Host.Kubernetes.Url };
        using var asPromoter = new HttpRequestMessage(HttpMethod.Get, $"apis/apps/v1/namespaces/{ns}/deployments");
        asPromoter.Headers.Add("Impersonate-User", $"system:serviceaccount:{ns}:promoter");
        using var byPromoter = new HttpRequestMessage(HttpMethod.Get, $"apis/apps/v1/namespaces/{ns}/deployments/serve");
        byPromoter.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        byPromoter.Headers.Add("Impersonate-User", "kubernetes-admin");

        using var impersonated = await http.SendAsync(asPromoter);
        using var escalation = await http.SendAsync(byPromoter);

        Assert.Equal(HttpStatusCode.Forbidden, impersonated.StatusCode);
        Assert.Contains($"User \"system:serviceaccount:{ns}:promoter\" cannot list resource \"deployments\"", KubernetesJson.Deserialize<V1Status>(await impersonated.Content.ReadAsStringAsync()).Message);
        Assert.Equal(HttpStatusCode.Forbidden, escalation.StatusCode);
        Assert.Equal($"users \"kubernetes-admin\" is forbidden: User \"system:serviceaccount:{ns}:promoter\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope",
            KubernetesJson.Deserialize<V1Status>(await escalation.Content.ReadAsStringAsync()).Message);
    }

    [Fact]
    public async Task Should_refuse_a_role_or_binding_that_grants_more_than_the_writer_holds()
    {
        var ns = await sandbox.NewNamespaceAsync();
        await Admin.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "provisioner" } }, ns);
        await Admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new V1ObjectMeta { Name = "rbac-writer" },
            Rules =
            [
                new V1PolicyRule { ApiGroups = ["rbac.authorization.k8s.io"], Resources = ["roles", "rolebindings"], Verbs = ["create"] },
                new V1PolicyRule { ApiGroups = ["apps"], Resources = ["deployments"], Verbs = ["get", "list"] },
            ],
        }, ns);
        await Admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "provisioner-writes-rbac" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "rbac-writer" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "provisioner" }],
        }, ns);
        using var provisioner = sandbox.ClientWithToken(await sandbox.TokenForAsync(ns, "provisioner"));
        V1Role Role(string name, params string[] verbs) => new()
        {
            Metadata = new V1ObjectMeta { Name = name },
            Rules = [new V1PolicyRule { ApiGroups = ["apps"], Resources = ["deployments"], Verbs = verbs }],
        };

        var held = await provisioner.RbacAuthorizationV1.CreateNamespacedRoleAsync(Role("reader", "get"), ns);
        var more = await Assert.ThrowsAsync<HttpOperationException>(() => provisioner.RbacAuthorizationV1.CreateNamespacedRoleAsync(Role("deleter", "get", "delete"), ns));
        var adminBinding = await Assert.ThrowsAsync<HttpOperationException>(() => provisioner.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "everyone-admin" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "admin" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "provisioner" }],
        }, ns));

        Assert.Equal("reader", held.Metadata.Name);
        Assert.Equal(HttpStatusCode.Forbidden, more.Response.StatusCode);
        Assert.Equal($"roles.rbac.authorization.k8s.io \"deleter\" is forbidden: user \"system:serviceaccount:{ns}:provisioner\" (groups=[\"system:serviceaccounts\" \"system:serviceaccounts:{ns}\" \"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n{{APIGroups:[\"apps\"], Resources:[\"deployments\"], Verbs:[\"delete\"]}}",
            KubernetesJson.Deserialize<V1Status>(more.Response.Content).Message);
        Assert.Equal(HttpStatusCode.Forbidden, adminBinding.Response.StatusCode);
        Assert.Contains("is attempting to grant RBAC permissions not currently held", KubernetesJson.Deserialize<V1Status>(adminBinding.Response.Content).Message);
    }

    [Fact]
    public async Task Should_record_who_sent_each_request_in_the_request_log()
    {
        var (ns, token) = await DeploymentReaderAsync();
        using var promoter = sandbox.ClientWithToken(token);
        await promoter.AppsV1.ReadNamespacedDeploymentAsync("serve", ns);
        await Assert.ThrowsAsync<HttpOperationException>(() => promoter.CoreV1.ListNamespacedPodAsync(ns));
        (await sandbox.Kubectl.RunAsync("auth", "can-i", $"--as=system:serviceaccount:{ns}:promoter", "get", "pods", "-n", ns)).ToString();

        var log = sandbox.Host.Requests.Snapshot("kubernetes").Where(r => r.Namespace == ns).ToList();

        var get = log.Single(r => r.Verb == "get" && r.Resource == "deployments");
        var list = log.Single(r => r.Verb == "list" && r.Resource == "pods");
        Assert.Equal(($"system:serviceaccount:{ns}:promoter", 200), (get.User, get.StatusCode));
        Assert.Equal(($"system:serviceaccount:{ns}:promoter", 403), (list.User, list.StatusCode));
        Assert.All(log.Where(r => r.Resource == "serviceaccounts" && r.Verb == "create"), r => Assert.Equal("kubernetes-admin", r.User));
        var review = sandbox.Host.Requests.Snapshot("kubernetes").Last(r => r.Resource == "selfsubjectaccessreviews");
        Assert.Equal(("kubernetes-admin", $"system:serviceaccount:{ns}:promoter"), (review.User, review.ImpersonatedUser));
    }
}
