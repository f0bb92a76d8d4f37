using k8s;
using k8s.Models;
using Mlops.Testing;
using Xunit;

namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>Deletion with deletionTimestamp, finalizers, graceful pods and background, foreground and orphan propagation.</summary>
public sealed class DeletionTests(KubernetesSandbox sandbox) : IClassFixture<KubernetesSandbox>
{
    private IKubernetes Client => sandbox.Client;

    private async Task<string> RolledOutAsync(string name, int replicas = 1)
    {
        var ns = await sandbox.NewNamespaceAsync();
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment(name, "ghcr.io/mlflow/mlflow:v2.21.3", replicas), ns);
        await Eventually.HoldsAsync(async () => (await Client.AppsV1.ReadNamespacedDeploymentAsync(name, ns)).Status?.AvailableReplicas == replicas, "the deployment rolls out");
        return ns;
    }

    [Fact]
    public async Task Should_keep_an_owner_deleted_in_the_foreground_until_its_dependents_are_gone()
    {
        var ns = await RolledOutAsync("serve", replicas: 2);
        var before = await Client.AppsV1.ListNamespacedDeploymentAsync(ns);

        var accepted = await Client.AppsV1.DeleteNamespacedDeploymentAsync("serve", ns, propagationPolicy: "Foreground");
        var events = await Watching.UntilAsync(
            (onError, token) => Client.AppsV1.WatchListNamespacedDeploymentAsync(ns, resourceVersion: before.Metadata.ResourceVersion, onError: onError, cancellationToken: token),
            (type, _) => type == WatchEventType.Deleted);

        // What stays is answered as the object, as the API server answers a delete it has not finished.
        Assert.Contains(KubernetesRegistry.ForegroundFinalizer, accepted.ObjectView<V1Deployment>().Metadata.Finalizers);
        var held = events.Where(e => e.Type != WatchEventType.Deleted).Select(e => e.Object).ToList();
        Assert.NotEmpty(held);
        Assert.All(held, d => Assert.NotNull(d.Metadata.DeletionTimestamp));
        Assert.All(held, d => Assert.Contains("foregroundDeletion", d.Metadata.Finalizers));
        Assert.Empty((await Client.AppsV1.ListNamespacedReplicaSetAsync(ns)).Items);
        Assert.Empty((await Client.CoreV1.ListNamespacedPodAsync(ns)).Items);
    }

    [Fact]
    public async Task Should_orphan_the_replica_set_and_its_pods_when_asked()
    {
        var ns = await RolledOutAsync("serve");

        await Client.AppsV1.DeleteNamespacedDeploymentAsync("serve", ns, propagationPolicy: "Orphan");

        var rs = (await Client.AppsV1.ListNamespacedReplicaSetAsync(ns)).Items.Single();
        Assert.Null(rs.Metadata.OwnerReferences);
        Assert.Single((await Client.CoreV1.ListNamespacedPodAsync(ns)).Items, p => p.Status.Phase == "Running" && p.Metadata.DeletionTimestamp is null);
    }

    [Fact]
    public async Task Should_hold_an_object_with_a_finalizer_until_the_finalizer_is_removed()
    {
        var ns = await sandbox.NewNamespaceAsync();
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "held", Finalizers = ["mlops.dev/cleanup"] } }, ns);

        await Client.CoreV1.DeleteNamespacedConfigMapAsync("held", ns);
        var deleting = await Client.CoreV1.ReadNamespacedConfigMapAsync("held", ns);
        var refused = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() =>
            Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"finalizers":["mlops.dev/cleanup","other"]}}""", V1Patch.PatchType.MergePatch), "held", ns));
        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), "held", ns);

        Assert.NotNull(deleting.Metadata.DeletionTimestamp);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.Response.StatusCode);
        Assert.Empty((await Client.CoreV1.ListNamespacedConfigMapAsync(ns)).Items);
    }

    [Fact]
    public async Task Should_delete_a_running_pod_gracefully_and_replace_it()
    {
        var ns = await RolledOutAsync("serve");
        var pod = (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items.Single();

        var answered = await Client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, ns);
        await Eventually.HoldsAsync(async () => (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items.All(p => p.Metadata.Uid != pod.Metadata.Uid), "the pod is gone");
        var replacement = await Eventually.ReturnsAsync(async () =>
            (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items.SingleOrDefault(p => p.Status?.Phase == "Running"), "a replacement pod runs");

        Assert.NotNull(answered.Metadata.DeletionTimestamp);
        Assert.Equal(30, answered.Metadata.DeletionGracePeriodSeconds);
        Assert.NotEqual(pod.Metadata.Name, replacement.Metadata.Name);
    }

    [Fact]
    public async Task Should_keep_a_namespace_terminating_until_its_content_is_gone()
    {
        var ns = await RolledOutAsync("serve");
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "held", Finalizers = ["mlops.dev/cleanup"] } }, ns);

        var terminating = await Client.CoreV1.DeleteNamespaceAsync(ns);
        await Eventually.HoldsAsync(async () => (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items.Count == 0, "the pods are gone");
        var held = await Client.CoreV1.ReadNamespaceAsync(ns);
        var refused = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() =>
            Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "late" } }, ns));
        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), "held", ns);
        await Eventually.HoldsAsync(async () => (await Client.CoreV1.ListNamespaceAsync()).Items.All(n => n.Metadata.Name != ns), "the namespace is gone");

        Assert.Equal("Terminating", terminating.ObjectView<V1Namespace>().Status.Phase);
        Assert.Equal("Terminating", held.Status.Phase);
        Assert.Contains("because it is being terminated", KubernetesJson.Deserialize<V1Status>(refused.Response.Content).Message);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.Response.StatusCode);
        Assert.Empty((await Client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: $"metadata.namespace={ns}")).Items);
    }
}
