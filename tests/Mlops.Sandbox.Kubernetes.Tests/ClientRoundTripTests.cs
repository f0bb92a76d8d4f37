using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using Xunit;

namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>KubernetesClient 21 creates, reads, patches and watches every served kind as on a real server.</summary>
public sealed class ClientRoundTripTests(KubernetesSandbox sandbox) : IClassFixture<KubernetesSandbox>
{
    private IKubernetes Client => sandbox.Client;

    [Fact]
    public async Task Namespace_is_created_read_patched_and_watched()
    {
        var name = $"ns-{Guid.NewGuid():N}"[..20];
        var created = await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        var read = await Client.CoreV1.ReadNamespaceAsync(name);
        var watch = (Action<Exception> onError, CancellationToken token) => Client.CoreV1.WatchListNamespaceAsync(fieldSelector: $"metadata.name={name}", resourceVersion: created.Metadata.ResourceVersion, onError: onError, cancellationToken: token);

        await Client.CoreV1.PatchNamespaceAsync(new V1Patch("""{"metadata":{"labels":{"team":"mlops"}}}""", V1Patch.PatchType.MergePatch), name);

        Assert.Equal("Active", read.Status.Phase);
        Assert.Equal(name, read.Metadata.Labels["kubernetes.io/metadata.name"]);
        var events = await Watching.UntilAsync(watch, (t, n) => t == WatchEventType.Modified && n.Metadata.Labels.ContainsKey("team"));
        Assert.Equal("mlops", events[^1].Object.Metadata.Labels["team"]);
    }

    [Fact]
    public async Task Secret_is_created_read_patched_and_watched()
    {
        var ns = await sandbox.NewNamespaceAsync();
        var created = await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "minio-credentials" },
            StringData = new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = "minio" },
        }, ns);
        var watch = (Action<Exception> onError, CancellationToken token) => Client.CoreV1.WatchListNamespacedSecretAsync(ns, resourceVersion: created.Metadata.ResourceVersion, onError: onError, cancellationToken: token);

        await Client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"stringData":{"AWS_SECRET_ACCESS_KEY":"minio123"}}""", V1Patch.PatchType.StrategicMergePatch), "minio-credentials", ns);
        var read = await Client.CoreV1.ReadNamespacedSecretAsync("minio-credentials", ns);

        Assert.Null(created.StringData);
        Assert.Equal("minio", Encoding.UTF8.GetString(read.Data["AWS_ACCESS_KEY_ID"]));
        Assert.Equal("minio123", Encoding.UTF8.GetString(read.Data["AWS_SECRET_ACCESS_KEY"]));
        var events = await Watching.UntilAsync(watch, (t, s) => t == WatchEventType.Modified);
        Assert.Equal(2, events[^1].Object.Data.Count);
    }

    [Fact]
    public async Task ConfigMap_is_created_read_patched_and_watched()
    {
        var ns = await sandbox.NewNamespaceAsync();
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "stack" },
            Data = new Dictionary<string, string> { ["bucket"] = "mlflow" },
        }, ns);
        var watch = (Action<Exception> onError, CancellationToken token) => Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: created.Metadata.ResourceVersion, onError: onError, cancellationToken: token);

        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"model":"cnn_classifier"}}""", V1Patch.PatchType.MergePatch), "stack", ns);
        var read = await Client.CoreV1.ReadNamespacedConfigMapAsync("stack", ns);

        Assert.Equal("mlflow", read.Data["bucket"]);
        Assert.Equal("cnn_classifier", read.Data["model"]);
        var events = await Watching.UntilAsync(watch, (t, c) => t == WatchEventType.Modified);
        Assert.Equal("cnn_classifier", events[^1].Object.Data["model"]);
    }

    [Fact]
    public async Task Service_is_created_read_patched_and_watched()
    {
        var ns = await sandbox.NewNamespaceAsync();
        var created = await Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "mlflow" },
            Spec = new V1ServiceSpec
            {
                Type = "NodePort",
                Selector = new Dictionary<string, string> { ["app"] = "mlflow" },
                Ports = [new V1ServicePort { Name = "http", Port = 5000, NodePort = 32000 }],
            },
        }, ns);
        var watch = (Action<Exception> onError, CancellationToken token) => Client.CoreV1.WatchListNamespacedServiceAsync(ns, resourceVersion: created.Metadata.ResourceVersion, onError: onError, cancellationToken: token);

        await Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch("""{"spec":{"ports":[{"name":"metrics","port":9090}]}}""", V1Patch.PatchType.StrategicMergePatch), "mlflow", ns);
        var read = await Client.CoreV1.ReadNamespacedServiceAsync("mlflow", ns);

        Assert.False(string.IsNullOrEmpty(created.Spec.ClusterIP));
        Assert.Equal(created.Spec.ClusterIP, read.Spec.ClusterIP);
        Assert.Equal([5000, 9090], read.Spec.Ports.Select(p => p.Port));
        Assert.Equal(32000, read.Spec.Ports[0].NodePort);
        var events = await Watching.UntilAsync(watch, (t, s) => t == WatchEventType.Modified);
        Assert.Equal(2, events[^1].Object.Spec.Ports.Count);
    }

    [Fact]
    public async Task PersistentVolumeClaim_is_created_read_patched_and_watched()
    {
        var ns = await sandbox.NewNamespaceAsync();
        var created = await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(new V1PersistentVolumeClaim
        {
            Metadata = new V1ObjectMeta { Name = "minio-data" },
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"],
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("10Gi") } },
            },
        }, ns);
        var watch = (Action<Exception> onError, CancellationToken token) => Client.CoreV1.WatchListNamespacedPersistentVolumeClaimAsync(ns, resourceVersion: created.Metadata.ResourceVersion, onError: onError, cancellationToken: token);

        await Client.CoreV1.PatchNamespacedPersistentVolumeClaimAsync(new V1Patch("""{"metadata":{"annotations":{"owner":"provisioner"}}}""", V1Patch.PatchType.MergePatch), "minio-data", ns);
        var read = await Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("minio-data", ns);

        Assert.Equal("Filesystem", read.Spec.VolumeMode);
        Assert.Equal("provisioner", read.Metadata.Annotations["owner"]);
        var events = await Watching.UntilAsync(watch, (t, c) => t == WatchEventType.Modified);
        Assert.Equal("provisioner", events[^1].Object.Metadata.Annotations["owner"]);
    }

    [Fact]
    public async Task Deployment_is_created_read_patched_by_strategic_merge_and_watched()
    {
        var ns = await sandbox.NewNamespaceAsync();
        var created = await Client.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("serve", "ghcr.io/mlflow/mlflow:v2.21.3"), ns);
        var watch = (Action<Exception> onError, CancellationToken token) => Client.AppsV1.WatchListNamespacedDeploymentAsync(ns, labelSelector: "app=mlflow-model-server", resourceVersion: created.Metadata.ResourceVersion, onError: onError, cancellationToken: token);

        // Lists with a merge key merge item by item: env B changes, C is added, A stays.
        await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(
            """{"spec":{"template":{"spec":{"containers":[{"name":"server","env":[{"name":"B","value":"20"},{"name":"C","value":"3"}]}]}}}}""",
            V1Patch.PatchType.StrategicMergePatch), "serve", ns);

        var events = await Watching.UntilAsync(watch, (t, d) =>
            d.Status?.ObservedGeneration == 2 && d.Status.Conditions?.Any(c => c.Reason == "NewReplicaSetAvailable") == true);
        var env = events[^1].Object.Spec.Template.Spec.Containers.Single().Env;
        Assert.Equal(["A=1", "B=20", "C=3"], env.Select(e => $"{e.Name}={e.Value}"));
        Assert.Equal(1, created.Metadata.Generation);
        Assert.Equal(2, events[^1].Object.Metadata.Generation);
        Assert.Contains(events, e => e.Object.Status?.Conditions?.Any(c => c.Reason == "ReplicaSetUpdated") == true);
    }

    [Fact]
    public async Task Job_is_created_read_patched_and_watched_until_complete()
    {
        var ns = await sandbox.NewNamespaceAsync();
        var created = await Client.BatchV1.CreateNamespacedJobAsync(Objects.Job("batch", "python:3.11"), ns);
        var watch = (Action<Exception> onError, CancellationToken token) => Client.BatchV1.WatchListNamespacedJobAsync(ns, labelSelector: "app=training", resourceVersion: created.Metadata.ResourceVersion, onError: onError, cancellationToken: token);

        await Client.BatchV1.PatchNamespacedJobAsync(new V1Patch("""{"metadata":{"annotations":{"mlops.flow_id":"f-1"}}}""", V1Patch.PatchType.MergePatch), "batch", ns);

        var events = await Watching.UntilAsync(watch, (t, j) => j.Status?.Conditions?.Any(c => c.Type == "Complete") == true);
        var job = events[^1].Object;
        Assert.Equal("f-1", job.Metadata.Annotations["mlops.flow_id"]);
        Assert.Equal(1, job.Status.Succeeded);
        Assert.NotNull(job.Status.CompletionTime);
        Assert.Equal(created.Metadata.Uid, job.Spec.Template.Metadata.Labels["batch.kubernetes.io/controller-uid"]);
        Assert.Contains(events, e => e.Object.Status?.Active == 1);
    }

    [Fact]
    public async Task SealedSecret_is_created_read_patched_and_watched()
    {
        var ns = await sandbox.NewNamespaceAsync();
        var created = (JsonElement)await Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            SealedSecret("minio-credentials", Controllers.SealedSecretController.Seal("minio")), "bitnami.com", "v1alpha1", ns, "sealedsecrets");
        var version = created.GetProperty("metadata").GetProperty("resourceVersion").GetString();
        var watch = (Action<Exception> onError, CancellationToken token) => Client.CustomObjects.WatchListNamespacedCustomObjectAsync("bitnami.com", "v1alpha1", ns, "sealedsecrets", resourceVersion: version, onError: onError, cancellationToken: token);

        await Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(
            JsonSerializer.Serialize(new { spec = new { encryptedData = new { AWS_SECRET_ACCESS_KEY = Controllers.SealedSecretController.Seal("minio123") } } }), V1Patch.PatchType.MergePatch),
            "bitnami.com", "v1alpha1", ns, "sealedsecrets", "minio-credentials");
        var read = (JsonElement)await Client.CustomObjects.GetNamespacedCustomObjectAsync("bitnami.com", "v1alpha1", ns, "sealedsecrets", "minio-credentials");

        Assert.Equal(2, read.GetProperty("spec").GetProperty("encryptedData").EnumerateObject().Count());
        var events = await Watching.UntilAsync(watch, (t, s) =>
            t == WatchEventType.Modified && ((JsonElement)s).GetProperty("metadata").GetProperty("generation").GetInt64() == 2);
        Assert.Equal("SealedSecret", ((JsonElement)events[^1].Object).GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Workflow_is_created_read_patched_and_watched()
    {
        var ns = await sandbox.NewNamespaceAsync();
        var created = (JsonElement)await Client.CustomObjects.CreateNamespacedCustomObjectAsync(Workflow("train"), "argoproj.io", "v1alpha1", ns, "workflows");
        var version = created.GetProperty("metadata").GetProperty("resourceVersion").GetString();
        var watch = (Action<Exception> onError, CancellationToken token) => Client.CustomObjects.WatchListNamespacedCustomObjectAsync("argoproj.io", "v1alpha1", ns, "workflows", resourceVersion: version, onError: onError, cancellationToken: token);

        await Client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch("""{"metadata":{"labels":{"model":"cnn-classifier"}}}""", V1Patch.PatchType.MergePatch),
            "argoproj.io", "v1alpha1", ns, "workflows", "train");
        var read = (JsonElement)await Client.CustomObjects.GetNamespacedCustomObjectAsync("argoproj.io", "v1alpha1", ns, "workflows", "train");

        Assert.Equal("cnn-classifier", read.GetProperty("metadata").GetProperty("labels").GetProperty("model").GetString());
        var events = await Watching.UntilAsync(watch, (t, w) => Phase((JsonElement)w) == "Succeeded");
        Assert.Equal(["Pending", "Running", "Succeeded"], events.Select(e => Phase((JsonElement)e.Object)).Where(p => p is not null).Distinct());
    }

    internal static object SealedSecret(string name, string sealedValue) => new Dictionary<string, object>
    {
        ["apiVersion"] = "bitnami.com/v1alpha1",
        ["kind"] = "SealedSecret",
        ["metadata"] = new Dictionary<string, object> { ["name"] = name },
        ["spec"] = new Dictionary<string, object>
        {
            ["encryptedData"] = new Dictionary<string, object> { ["AWS_ACCESS_KEY_ID"] = sealedValue },
            ["template"] = new Dictionary<string, object> { ["metadata"] = new Dictionary<string, object> { ["labels"] = new Dictionary<string, string> { ["stack"] = "homelab" } } },
        },
    };

    internal static object Workflow(string name, Dictionary<string, string>? annotations = null) => new Dictionary<string, object>
    {
        ["apiVersion"] = "argoproj.io/v1alpha1",
        ["kind"] = "Workflow",
        ["metadata"] = new Dictionary<string, object> { ["name"] = name, ["annotations"] = annotations ?? [] },
        ["spec"] = new Dictionary<string, object>
        {
            ["entrypoint"] = "train",
            ["templates"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["name"] = "train",
                    ["container"] = new Dictionary<string, object> { ["image"] = "python:3.11", ["command"] = new[] { "python", "train.py" } },
                },
            },
        },
    };

    internal static string? Phase(JsonElement workflow) =>
        workflow.TryGetProperty("status", out var status) && status.TryGetProperty("phase", out var phase) ? phase.GetString() : null;
}
