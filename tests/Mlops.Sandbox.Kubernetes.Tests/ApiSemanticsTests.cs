using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Mlops.Sandbox.Hosting;
using Xunit;

namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>Concurrency, errors, generation and watch resumption behave as on a real API server.</summary>
public sealed class ApiSemanticsTests(KubernetesSandbox sandbox) : IClassFixture<KubernetesSandbox>
{
    private IKubernetes Client => sandbox.Client;

    [Fact]
    public async Task An_update_with_a_stale_resourceVersion_gets_409_Conflict()
    {
        var ns = await sandbox.NewNamespaceAsync();
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "stack" }, Data = new Dictionary<string, string> { ["a"] = "1" } }, ns);
        var fresh = await Client.CoreV1.ReadNamespacedConfigMapAsync("stack", ns);
        fresh.Data["a"] = "2";
        await Client.CoreV1.ReplaceNamespacedConfigMapAsync(fresh, "stack", ns);

        created.Data["a"] = "3";
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "stack", ns));

        Assert.Equal(HttpStatusCode.Conflict, refused.Response.StatusCode);
        var status = Status(refused);
        Assert.Equal("Conflict", status.Reason);
        Assert.Equal(409, status.Code);
        Assert.Equal("2", (await Client.CoreV1.ReadNamespacedConfigMapAsync("stack", ns)).Data["a"]);
    }

    [Fact]
    public async Task A_watch_resumed_from_a_resourceVersion_replays_what_happened_since()
    {
        var ns = await sandbox.NewNamespaceAsync();
        var first = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "one" } }, ns);
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "two" } }, ns);
        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"k":"v"}}""", V1Patch.PatchType.MergePatch), "one", ns);
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("two", ns);

        var events = await Watching.UntilAsync(
            (onError, token) => Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: first.Metadata.ResourceVersion, onError: onError, cancellationToken: token),
            (type, _) => type == WatchEventType.Deleted);

        Assert.Equal(["Added two", "Modified one", "Deleted two"], events.Select(e => $"{e.Type} {e.Object.Metadata.Name}"));
        var versions = events.Select(e => long.Parse(e.Object.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(versions.Order(), versions);
    }

    [Fact]
    public async Task A_watch_with_nothing_to_report_answers_its_headers_at_once()
    {
        var ns = await sandbox.NewNamespaceAsync();
        var list = await Client.CoreV1.ListNamespacedConfigMapAsync(ns);
        using var http = new HttpClient { BaseAddress = sandbox.Host.Kubernetes.Url };
        // client-go waits for a watch's headers with no deadline of its own; a bound here turns a hang into a failure.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        using var response = await http.GetAsync($"api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={list.Metadata.ResourceVersion}",
            HttpCompletionOption.ResponseHeadersRead, deadline.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_watch_from_a_compacted_resourceVersion_gets_410_Gone()
    {
        await using var small = await SandboxHost.StartAsync(KubernetesSandbox.FastSettings(watchHistory: 5));
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = small.Kubernetes.Url.ToString().TrimEnd('/') });
        var first = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c0" } }, "default");
        for (var i = 1; i <= 10; i++)
            await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"c{i}" } }, "default");

        Exception? error = null;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var _ in client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: first.Metadata.ResourceVersion, onError: e => error = e, cancellationToken: deadline.Token))
            Assert.Fail("no event may arrive from a compacted version");

        var expired = Assert.IsType<KubernetesException>(error);
        Assert.Equal(410, expired.Status.Code);
        Assert.Equal("Expired", expired.Status.Reason);
        Assert.Contains("too old resource version", expired.Status.Message);
    }

    [Fact]
    public async Task Errors_are_Status_objects_with_the_real_reasons_and_codes()
    {
        var ns = await sandbox.NewNamespaceAsync();
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("serve", "ghcr.io/mlflow/mlflow:v2.21.3"), ns);

        var notFound = await Assert.ThrowsAsync<HttpOperationException>(() => Client.AppsV1.ReadNamespacedDeploymentAsync("missing", ns));
        var exists = await Assert.ThrowsAsync<HttpOperationException>(() => Client.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("serve", "x:1"), ns));
        var badName = await Assert.ThrowsAsync<HttpOperationException>(() => Client.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("cnn_classifier", "x:1"), ns));
        var noContainers = Objects.Deployment("empty", "x:1");
        noContainers.Spec.Template.Spec.Containers = [];
        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => Client.AppsV1.CreateNamespacedDeploymentAsync(noContainers, ns));
        var noNamespace = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s" } }, "absent"));

        Assert.Equal((404, "NotFound", "deployments.apps \"missing\" not found"), Summary(notFound));
        Assert.Equal((409, "AlreadyExists", "deployments.apps \"serve\" already exists"), Summary(exists));
        Assert.Equal(422, Summary(badName).Code);
        Assert.Equal("Invalid", Summary(badName).Reason);
        Assert.StartsWith("Deployment.apps \"cnn_classifier\" is invalid: metadata.name: Invalid value: \"cnn_classifier\": a lowercase RFC 1123 subdomain", Summary(badName).Message);
        Assert.Equal("metadata.name", Status(badName).Details.Causes.Single().Field);
        Assert.Equal((422, "Invalid"), (Summary(missing).Code, Summary(missing).Reason));
        Assert.Equal("FieldValueRequired", Status(missing).Details.Causes.Single(c => c.Field == "spec.template.spec.containers").Reason);
        Assert.Equal((404, "NotFound", "namespaces \"absent\" not found"), Summary(noNamespace));
    }

    [Fact]
    public async Task Generation_moves_with_spec_changes_only_and_resourceVersion_with_every_write()
    {
        var ns = await sandbox.NewNamespaceAsync();
        var created = await Client.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("serve", "ghcr.io/mlflow/mlflow:v2.21.3"), ns);

        var labelled = await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"metadata":{"labels":{"stage":"prod"}}}""", V1Patch.PatchType.MergePatch), "serve", ns);
        var scaled = await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch), "serve", ns);
        var unchanged = await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch), "serve", ns);

        Assert.Equal([1L, 1L, 2L], new[] { created, labelled, scaled }.Select(d => d.Metadata.Generation ?? 0));
        Assert.NotEqual(created.Metadata.ResourceVersion, labelled.Metadata.ResourceVersion);
        Assert.Equal(scaled.Metadata.ResourceVersion, unchanged.Metadata.ResourceVersion);
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.NotNull(created.Metadata.CreationTimestamp);
    }

    [Fact]
    public async Task A_status_written_through_the_main_resource_is_ignored()
    {
        var ns = await sandbox.NewNamespaceAsync();
        var deployment = Objects.Deployment("serve", "registry.invalid/never:1");
        deployment.Status = new V1DeploymentStatus { ReadyReplicas = 5, AvailableReplicas = 5 };

        var created = await Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, ns);

        Assert.Null(created.Status?.ReadyReplicas);
    }

    [Fact]
    public async Task Lists_filter_by_label_and_field_selectors()
    {
        var ns = await sandbox.NewNamespaceAsync();
        await Client.BatchV1.CreateNamespacedJobAsync(Objects.Job("train-a", "python:3.11"), ns);
        var other = Objects.Job("other", "python:3.11");
        other.Metadata.Labels = new Dictionary<string, string> { ["app"] = "etl" };
        await Client.BatchV1.CreateNamespacedJobAsync(other, ns);

        var byLabel = await Client.BatchV1.ListNamespacedJobAsync(ns, labelSelector: "app in (training),!skip");
        var byField = await Client.BatchV1.ListNamespacedJobAsync(ns, fieldSelector: "metadata.name=other");
        var notEqual = await Client.BatchV1.ListNamespacedJobAsync(ns, labelSelector: "app!=training");

        Assert.Equal(["train-a"], byLabel.Items.Select(j => j.Metadata.Name));
        Assert.Equal(["other"], byField.Items.Select(j => j.Metadata.Name));
        Assert.Equal(["other"], notEqual.Items.Select(j => j.Metadata.Name));
    }

    [Fact]
    public async Task Deleting_a_deployment_removes_its_replica_sets()
    {
        var ns = await sandbox.NewNamespaceAsync();
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("serve", "ghcr.io/mlflow/mlflow:v2.21.3"), ns);
        await Mlops.Testing.Eventually.HoldsAsync(async () => (await Client.AppsV1.ListNamespacedReplicaSetAsync(ns)).Items.Count == 1, "the replica set exists");

        var deleted = await Client.AppsV1.DeleteNamespacedDeploymentAsync("serve", ns);

        Assert.Equal("Success", deleted.Status);
        Assert.Empty((await Client.AppsV1.ListNamespacedReplicaSetAsync(ns)).Items);
    }

    private static V1Status Status(HttpOperationException failure) => KubernetesJson.Deserialize<V1Status>(failure.Response.Content);

    private static (int Code, string Reason, string Message) Summary(HttpOperationException failure)
    {
        var status = Status(failure);
        Assert.Equal("Status", status.Kind);
        Assert.Equal("Failure", status.Status);
        Assert.Equal((int)failure.Response.StatusCode, status.Code);
        return (status.Code ?? 0, status.Reason, status.Message);
    }
}
