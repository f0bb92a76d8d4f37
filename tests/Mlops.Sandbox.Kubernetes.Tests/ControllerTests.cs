using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using Mlops.Sandbox.Kubernetes.Controllers;
using Mlops.Testing;
using Xunit;

namespace Mlops.Sandbox.Kubernetes.Tests;

/// <summary>The job, sealed-secrets and workflow controllers, and the job completion hook.</summary>
public sealed class ControllerTests : IAsyncLifetime, IDisposable
{
    private readonly RecordingJobHook _hook = new();
    private readonly KubernetesSandbox _sandbox = new();

    private IKubernetes Client => _sandbox.Client;

    public async Task InitializeAsync()
    {
        await _sandbox.InitializeAsync();
        _sandbox.Host.Context.JobCompletionHooks.Add(_hook);
    }

    public Task DisposeAsync() => _sandbox.DisposeAsync();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task A_job_with_a_secretKeyRef_waits_for_the_secret_and_the_hook_sees_its_value()
    {
        var env = new List<V1EnvVar>
        {
            new() { Name = "AWS_SECRET_ACCESS_KEY", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "minio-credentials", Key = "secret" } } },
            new() { Name = "MLFLOW_TRACKING_URI", Value = "http://mlflow.mlflow.svc.cluster.local:5000" },
        };
        await Client.BatchV1.CreateNamespacedJobAsync(Objects.Job("train", "python:3.11", env: env), "default");
        await Client.BatchV1.CreateNamespacedJobAsync(Objects.Job("yardstick", "python:3.11"), "default");

        // A Job created with it and needing no secret has finished: this one, without its secret, has not.
        await Eventually.HoldsAsync(async () => (await Client.BatchV1.ReadNamespacedJobAsync("yardstick", "default")).Status?.Succeeded == 1, "the yardstick job completes");
        var waiting = await Client.BatchV1.ReadNamespacedJobAsync("train", "default");
        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "minio-credentials" },
            StringData = new Dictionary<string, string> { ["secret"] = "minio123" },
        }, "default");
        var done = await Eventually.ReturnsAsync(async () => (await Client.BatchV1.ReadNamespacedJobAsync("train", "default")) is { Status.Succeeded: 1 } j ? j : null, "the job completes");

        Assert.Null(waiting.Status.Succeeded);
        Assert.Equal(1, waiting.Status.Active);
        var seen = Assert.Single(_hook.Seen, j => j.Job.Metadata.Name == "train");
        Assert.Equal("minio123", seen.Env["AWS_SECRET_ACCESS_KEY"]);
        Assert.Equal("http://mlflow.mlflow.svc.cluster.local:5000", seen.Env["MLFLOW_TRACKING_URI"]);
        Assert.Equal("train", seen.Job.Metadata.Name);
        Assert.True(seen.Planned.Succeeded);
        Assert.True(ObjectMetaTime(done.Status.CompletionTime) >= ObjectMetaTime(done.Status.StartTime));
    }

    [Fact]
    public async Task A_hook_can_fail_a_job()
    {
        await Client.BatchV1.CreateNamespacedJobAsync(Objects.Job("judged", "python:3.11", env: [new V1EnvVar { Name = "HOOK_VERDICT", Value = "fail" }]), "default");

        var job = await Eventually.ReturnsAsync(async () => Failed(await Client.BatchV1.ReadNamespacedJobAsync("judged", "default")), "the job fails");

        var failed = job.Status.Conditions.Single(c => c.Type == "Failed");
        Assert.Equal("the hook failed it", failed.Message);
        Assert.DoesNotContain(job.Status.Conditions, c => c.Type == "Complete");
    }

    [Fact]
    public async Task A_job_whose_pod_exits_non_zero_fails_with_BackoffLimitExceeded()
    {
        await Client.BatchV1.CreateNamespacedJobAsync(Objects.Job("crash", "python:3.11", annotations: new Dictionary<string, string> { [PodRules.ExitCodeAnnotation] = "1" }), "default");

        var job = await Eventually.ReturnsAsync(async () => Failed(await Client.BatchV1.ReadNamespacedJobAsync("crash", "default")), "the job fails");

        Assert.Equal("BackoffLimitExceeded", job.Status.Conditions.Single(c => c.Type == "Failed").Reason);
        Assert.Equal(3, job.Status.Failed);
        Assert.Null(job.Status.CompletionTime);
    }

    [Fact]
    public async Task A_job_past_its_active_deadline_fails_with_DeadlineExceeded()
    {
        // 10 s at the tests' 1:100 time scale is 100 ms; the unpullable image keeps the pod from ever finishing.
        await Client.BatchV1.CreateNamespacedJobAsync(Objects.Job("stuck", "registry.invalid/train:1", activeDeadlineSeconds: 10), "default");

        var job = await Eventually.ReturnsAsync(async () => Failed(await Client.BatchV1.ReadNamespacedJobAsync("stuck", "default")), "the job fails");

        var failed = job.Status.Conditions.Single(c => c.Type == "Failed");
        Assert.Equal("DeadlineExceeded", failed.Reason);
        Assert.Equal("Job was active longer than specified deadline", failed.Message);
    }

    [Fact]
    public async Task A_sealed_secret_becomes_a_secret_of_the_same_name_owned_by_it()
    {
        var sealedSecret = (JsonElement)await Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            ClientRoundTripTests.SealedSecret("minio-credentials", SealedSecretController.Seal("minio")), "bitnami.com", "v1alpha1", "default", "sealedsecrets");

        var secret = await Eventually.ReturnsAsync(async () =>
            (await Client.CoreV1.ListNamespacedSecretAsync("default", fieldSelector: "metadata.name=minio-credentials")).Items.SingleOrDefault(), "the secret exists");

        Assert.Equal("minio", Encoding.UTF8.GetString(secret.Data["AWS_ACCESS_KEY_ID"]));
        Assert.Equal("homelab", secret.Metadata.Labels["stack"]);
        var owner = secret.Metadata.OwnerReferences.Single();
        Assert.Equal(("SealedSecret", sealedSecret.GetProperty("metadata").GetProperty("uid").GetString()), (owner.Kind, owner.Uid));
        var status = ((JsonElement)await Client.CustomObjects.GetNamespacedCustomObjectAsync("bitnami.com", "v1alpha1", "default", "sealedsecrets", "minio-credentials")).GetProperty("status");
        Assert.Equal("True", status.GetProperty("conditions")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_sealed_secret_sealed_for_another_key_makes_no_secret()
    {
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            ClientRoundTripTests.SealedSecret("foreign", Convert.ToBase64String(Encoding.UTF8.GetBytes("ciphertext from a real cluster"))), "bitnami.com", "v1alpha1", "default", "sealedsecrets");

        var condition = default(JsonElement);
        await Eventually.HoldsAsync(async () =>
        {
            var read = (JsonElement)await Client.CustomObjects.GetNamespacedCustomObjectAsync("bitnami.com", "v1alpha1", "default", "sealedsecrets", "foreign");
            if (!read.TryGetProperty("status", out var status))
                return false;
            condition = status.GetProperty("conditions")[0];
            return true;
        }, "the sealed secret has a status");

        Assert.Equal("False", condition.GetProperty("status").GetString());
        Assert.Contains("no key could decrypt secret", condition.GetProperty("message").GetString());
        Assert.Empty((await Client.CoreV1.ListNamespacedSecretAsync("default", fieldSelector: "metadata.name=foreign")).Items);
    }

    [Fact]
    public async Task A_workflow_with_a_failing_step_ends_Failed()
    {
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            ClientRoundTripTests.Workflow("broken", new Dictionary<string, string> { [PodRules.ExitCodeAnnotation] = "2" }), "argoproj.io", "v1alpha1", "default", "workflows");

        await Eventually.HoldsAsync(async () => ClientRoundTripTests.Phase((JsonElement)await Client.CustomObjects.GetNamespacedCustomObjectAsync("argoproj.io", "v1alpha1", "default", "workflows", "broken")) == "Failed", "the workflow failed");

        var status = ((JsonElement)await Client.CustomObjects.GetNamespacedCustomObjectAsync("argoproj.io", "v1alpha1", "default", "workflows", "broken")).GetProperty("status");
        Assert.Equal("Error (exit code 2)", status.GetProperty("message").GetString());
        Assert.True(status.TryGetProperty("finishedAt", out _));
    }

    [Fact]
    public async Task A_watch_by_label_selector_sees_only_matching_deployments_roll_out()
    {
        var other = Objects.Deployment("other", "nginx:1.25");
        other.Metadata.Labels = new Dictionary<string, string> { ["app"] = "other" };
        other.Spec.Selector.MatchLabels = other.Spec.Template.Metadata.Labels = new Dictionary<string, string> { ["app"] = "other" };
        await Client.AppsV1.CreateNamespacedDeploymentAsync(other, "default");
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("served", "ghcr.io/mlflow/mlflow:v2.21.3", replicas: 2), "default");

        var events = await Watching.UntilAsync(
            (onError, token) => Client.AppsV1.WatchListNamespacedDeploymentAsync("default", labelSelector: "app=mlflow-model-server", onError: onError, cancellationToken: token),
            (_, d) => d.Status?.AvailableReplicas == 2);

        Assert.All(events, e => Assert.Equal("served", e.Object.Metadata.Name));
        Assert.Equal(WatchEventType.Added, events[0].Type);
    }

    private static DateTime ObjectMetaTime(DateTime? time) => time ?? DateTime.MinValue;

    // Failed pods are counted as they fail; the Job has failed once its Failed condition is there.
    private static V1Job? Failed(V1Job job) => job.Status?.Conditions?.Any(c => c.Type == "Failed" && c.Status == "True") == true ? job : null;
}
