using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Mlops.Sandbox.Cluster.Tests;

/// <summary>Least privilege can be tested: a ServiceAccount client from the fixture's one-liner gets what its Role grants, no more.</summary>
public sealed class ServiceAccountTests(ClusterSandbox sandbox) : IClassFixture<ClusterSandbox>
{
    [Fact]
    public async Task Should_let_a_service_account_that_may_only_get_deployments_get_one_and_refuse_it_a_create_with_the_real_message()
    {
        var ns = await sandbox.Fixture.NewNamespaceAsync("rbac");
        await sandbox.ApplyAsync(Manifests.ModelServer(ns, "models:/cnn_classifier/1"));
        using var promoter = await sandbox.Fixture.KubernetesAsAsync(ns, "promoter", new V1PolicyRule { ApiGroups = ["apps"], Resources = ["deployments"], Verbs = ["get"] });

        var read = await promoter.AppsV1.ReadNamespacedDeploymentAsync(Manifests.ModelServerName, ns);
        var created = await Assert.ThrowsAsync<HttpOperationException>(() => promoter.AppsV1.CreateNamespacedDeploymentAsync(
            new V1Deployment { Metadata = new V1ObjectMeta { Name = "other" }, Spec = read.Spec }, ns));
        var listed = await Assert.ThrowsAsync<HttpOperationException>(() => promoter.AppsV1.ListNamespacedDeploymentAsync(ns));

        Assert.Equal(Manifests.ModelServerName, read.Metadata.Name);
        Assert.Equal(HttpStatusCode.Forbidden, created.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(created.Response.Content);
        Assert.Equal(("Failure", "Forbidden", 403), (status.Status, status.Reason, status.Code ?? 0));
        Assert.Equal($"deployments.apps is forbidden: User \"system:serviceaccount:{ns}:promoter\" cannot create resource \"deployments\" in API group \"apps\" in the namespace \"{ns}\"", status.Message);
        Assert.Equal(HttpStatusCode.Forbidden, listed.Response.StatusCode);
        Assert.Contains(sandbox.Fixture.Requests.Snapshot("kubernetes"), r => r.User == $"system:serviceaccount:{ns}:promoter" && r.Verb == "create" && r.StatusCode == 403);
    }
}
