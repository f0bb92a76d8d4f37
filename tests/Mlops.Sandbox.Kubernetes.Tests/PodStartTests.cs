using System.Text.Json;
using k8s;
using k8s.Models;
using Mlops.Testing;
using Xunit;

namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>Pods that cannot start report why, as a kubelet does, and the Deployment behind them fails its rollout.</summary>
public sealed class PodStartTests(KubernetesSandbox sandbox) : IClassFixture<KubernetesSandbox>
{
    private IKubernetes Client => sandbox.Client;

    private static string ServerManifest(string ns, string env) => $$$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: mlflow-model-cnn-classifier-server, namespace: {{{ns}}}}
        spec:
          progressDeadlineSeconds: 150
          selector: {matchLabels: {app: mlflow-model-server}}
          template:
            metadata: {labels: {app: mlflow-model-server}}
            spec:
              containers:
              - name: server
                image: ghcr.io/mlflow/mlflow:v2.21.3
                ports: [{name: http, containerPort: 5001}]
                env: [{{{env}}}]
        """;

    [Fact]
    public async Task Should_fail_the_rollout_and_show_CreateContainerConfigError_when_a_secretKeyRef_names_a_missing_key_until_the_key_exists()
    {
        var ns = await sandbox.NewNamespaceAsync();
        (await sandbox.Kubectl.RunAsync("create", "secret", "generic", "minio-credentials", "-n", ns, "--from-literal=AWS_ACCESS_KEY_ID=minio")).Succeeded();
        var manifest = sandbox.Kubectl.WriteManifest(ServerManifest(ns, "{name: AWS_SECRET_ACCESS_KEY, valueFrom: {secretKeyRef: {name: minio-credentials, key: AWS_SECRET_ACCESS_KEY}}}"));
        (await sandbox.Kubectl.RunAsync("apply", "-f", manifest)).Succeeded();

        var failed = await sandbox.Kubectl.RunAsync("rollout", "status", "deployment/mlflow-model-cnn-classifier-server", "-n", ns, "--timeout=30s");
        var table = (await sandbox.Kubectl.RunAsync("get", "pods", "-n", ns)).Succeeded();
        using var pods = JsonDocument.Parse((await sandbox.Kubectl.RunAsync("get", "pods", "-n", ns, "-o", "json")).Succeeded().Output);
        (await sandbox.Kubectl.RunAsync("patch", "secret", "minio-credentials", "-n", ns, "-p", """{"stringData":{"AWS_SECRET_ACCESS_KEY":"minio123"}}""")).Succeeded();
        (await sandbox.Kubectl.RunAsync("rollout", "restart", "deployment/mlflow-model-cnn-classifier-server", "-n", ns)).Succeeded();
        var next = await sandbox.Kubectl.RunAsync("rollout", "status", "deployment/mlflow-model-cnn-classifier-server", "-n", ns, "--timeout=30s");

        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains("exceeded its progress deadline", failed.Error);
        Assert.Matches(@"mlflow-model-cnn-classifier-server-[a-z0-9]+-[a-z0-9]{5}\s+0/1\s+CreateContainerConfigError\s+0\s", table.Output);
        var pod = pods.RootElement.GetProperty("items").EnumerateArray().Single();
        var waiting = pod.GetProperty("status").GetProperty("containerStatuses")[0].GetProperty("state").GetProperty("waiting");
        Assert.Equal("CreateContainerConfigError", waiting.GetProperty("reason").GetString());
        Assert.Equal($"couldn't find key AWS_SECRET_ACCESS_KEY in Secret {ns}/minio-credentials", waiting.GetProperty("message").GetString());
        Assert.Equal("Pending", pod.GetProperty("status").GetProperty("phase").GetString());
        Assert.Equal(0, next.ExitCode);
        Assert.Contains("successfully rolled out", next.Output);
    }

    [Fact]
    public async Task Should_name_the_missing_secret_when_envFrom_or_a_secretKeyRef_points_at_none()
    {
        var ns = await sandbox.NewNamespaceAsync();
        var deployment = Objects.Deployment("serve", "ghcr.io/mlflow/mlflow:v2.21.3");
        deployment.Spec.Template.Spec.Containers[0].EnvFrom = [new V1EnvFromSource { SecretRef = new V1SecretEnvSource { Name = "mlflow-s3-secret" } }];
        await Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, ns);

        var waiting = await Eventually.ReturnsAsync(async () =>
            (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items.SingleOrDefault()?.Status?.ContainerStatuses?.SingleOrDefault()?.State?.Waiting is { Reason: "CreateContainerConfigError" } w ? w : null,
            "the pod to report CreateContainerConfigError");

        Assert.Equal("secret \"mlflow-s3-secret\" not found", waiting.Message);
    }

    [Fact]
    public async Task Should_report_ErrImagePull_then_ImagePullBackOff_for_an_unpullable_image()
    {
        var ns = await sandbox.NewNamespaceAsync();
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("serve", "ghcr.io/mlflow/mlflow:does-not-exist"), ns);

        var seen = new List<string>();
        await Watching.UntilAsync(
            (onError, token) => Client.CoreV1.WatchListNamespacedPodAsync(ns, onError: onError, cancellationToken: token),
            (_, pod) =>
            {
                if (pod.Status?.ContainerStatuses?.SingleOrDefault()?.State?.Waiting is { } waiting && (seen.Count == 0 || seen[^1] != waiting.Reason))
                    seen.Add(waiting.Reason);
                return seen.Contains("ImagePullBackOff") && seen.Count(r => r == "ErrImagePull") >= 2;
            });
        var pod = (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items.Single();

        Assert.Equal("ErrImagePull", seen.First(r => r != "ContainerCreating"));
        Assert.Contains("ImagePullBackOff", seen);
        Assert.Matches("^(ErrImagePull|ImagePullBackOff)$", pod.Status.ContainerStatuses[0].State.Waiting.Reason);
        Assert.False(pod.Status.ContainerStatuses[0].Ready);
        Assert.Equal("False", pod.Status.Conditions.Single(c => c.Type == "Ready").Status);
    }

    [Fact]
    public async Task Should_make_deployment_pods_as_a_replica_set_does_and_count_only_ready_ones()
    {
        var ns = await sandbox.NewNamespaceAsync();
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("serve", "ghcr.io/mlflow/mlflow:v2.21.3", replicas: 2), ns);

        var deployment = await Eventually.ReturnsAsync(async () =>
            await Client.AppsV1.ReadNamespacedDeploymentAsync("serve", ns) is { Status.AvailableReplicas: 2 } d ? d : null, "two available replicas");
        var rs = (await Client.AppsV1.ListNamespacedReplicaSetAsync(ns)).Items.Single();
        var pods = (await Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: "app=mlflow-model-server")).Items;

        Assert.Equal(2, pods.Count);
        Assert.All(pods, pod =>
        {
            Assert.Matches($"^{rs.Metadata.Name}-[bcdfghjklmnpqrstvwxz2456789]{{5}}$", pod.Metadata.Name);
            Assert.Equal(rs.Metadata.Labels["pod-template-hash"], pod.Metadata.Labels["pod-template-hash"]);
            var owner = pod.Metadata.OwnerReferences.Single();
            Assert.Equal(("ReplicaSet", rs.Metadata.Uid, true), (owner.Kind, owner.Uid, owner.Controller ?? false));
            Assert.Equal("sandbox", pod.Spec.NodeName);
            Assert.Equal("Running", pod.Status.Phase);
            Assert.Equal(["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"], pod.Status.Conditions.Select(c => c.Type));
            Assert.All(pod.Status.Conditions, c => Assert.Equal("True", c.Status));
            var container = pod.Status.ContainerStatuses.Single();
            Assert.True(container.Ready);
            Assert.True(container.Started);
            Assert.NotNull(container.State.Running.StartedAt);
            Assert.StartsWith("containerd://", container.ContainerID);
            Assert.Equal("ghcr.io/mlflow/mlflow:v2.21.3", container.Image);
        });
        Assert.Equal(2, deployment.Status.ReadyReplicas);
    }

    [Fact]
    public async Task Should_make_job_pods_with_the_job_labels_and_count_them()
    {
        var ns = await sandbox.NewNamespaceAsync();
        var created = await Client.BatchV1.CreateNamespacedJobAsync(Objects.Job("train", "python:3.11"), ns);

        var job = await Eventually.ReturnsAsync(async () => await Client.BatchV1.ReadNamespacedJobAsync("train", ns) is { Status.Succeeded: 1 } j ? j : null, "the job succeeds");
        var pod = (await Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: $"job-name=train")).Items.Single();

        Assert.Matches("^train-[bcdfghjklmnpqrstvwxz2456789]{5}$", pod.Metadata.Name);
        Assert.Equal(created.Metadata.Uid, pod.Metadata.Labels["controller-uid"]);
        Assert.Equal(created.Metadata.Uid, pod.Metadata.Labels["batch.kubernetes.io/controller-uid"]);
        Assert.Equal(("Job", created.Metadata.Uid), (pod.Metadata.OwnerReferences.Single().Kind, pod.Metadata.OwnerReferences.Single().Uid));
        Assert.Equal("Succeeded", pod.Status.Phase);
        Assert.Equal(("Completed", 0), (pod.Status.ContainerStatuses[0].State.Terminated.Reason, pod.Status.ContainerStatuses[0].State.Terminated.ExitCode));
        Assert.Null(pod.Metadata.Finalizers);
        Assert.Null(job.Status.Active);
        Assert.Contains(job.Status.Conditions, c => c.Type == "Complete" && c.Status == "True");
    }

    [Fact]
    public async Task Should_keep_a_pod_pending_when_its_service_account_is_missing()
    {
        var ns = await sandbox.NewNamespaceAsync();
        var deployment = Objects.Deployment("serve", "ghcr.io/mlflow/mlflow:v2.21.3");
        deployment.Spec.Template.Spec.ServiceAccountName = "model-server";
        await Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, ns);

        var failure = await Eventually.ReturnsAsync(async () =>
            (await Client.AppsV1.ReadNamespacedDeploymentAsync("serve", ns)).Status?.Conditions?.SingleOrDefault(c => c.Type == "ReplicaFailure"), "the ReplicaFailure condition");
        await Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "model-server" } }, ns);
        await Eventually.HoldsAsync(async () => (await Client.AppsV1.ReadNamespacedDeploymentAsync("serve", ns)).Status?.AvailableReplicas == 1, "the pod runs once the account exists");

        Assert.Equal("FailedCreate", failure.Reason);
        Assert.Matches($"pods \"serve-[a-z0-9]+-\" is forbidden: error looking up service account {ns}/model-server: serviceaccount \"model-server\" not found", failure.Message);
    }
}
