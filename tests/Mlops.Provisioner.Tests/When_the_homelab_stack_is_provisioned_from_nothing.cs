using System.Text.Json;
using k8s;
using k8s.Models;
using Minio.DataModel.Args;
using Mlops.Contracts;
using Mlops.Provisioner.Tests.Testbed;
using Mlops.Sandbox.Control;
using Mlops.Testing;

namespace Mlops.Provisioner.Tests;

/// <summary>
/// The homelab stack file, loaded at start into an empty cluster, MinIO and MLflow: each step in the order the stack needs,
/// each event after the step that earns it, then StackReady naming everything the other services use.
/// </summary>
public sealed class When_the_homelab_stack_is_provisioned_from_nothing : IAsyncLifetime
{
    private ProvisionerTestbed _testbed = null!;

    public async Task InitializeAsync() => _testbed = await ProvisionerTestbed.StartAsync(new TestbedOptions
    {
        Provisioner = new Dictionary<string, string?> { ["Provisioner:StackFile"] = Path.Combine(TestEnvironment.RepositoryRoot, "stacks", "homelab.yaml") },
    });

    public async Task DisposeAsync() => await _testbed.DisposeAsync();

    [Fact]
    public async Task Should_apply_the_secret_then_read_it_then_make_the_bucket_its_notification_and_the_webhook_in_that_order()
    {
        await _testbed.InStateAsync("homelab", "Ready");
        var requests = _testbed.Requests();

        var sealedSecret = First(requests, r => r is { StandIn: "kubernetes", Verb: "create", Group: "bitnami.com", Resource: "sealedsecrets", Namespace: "mlflow" });
        var secretRead = First(requests, r => r is { StandIn: "kubernetes", Verb: "get", Resource: "secrets", Namespace: "mlflow", Name: "minio-credentials" }
                                              && r.StatusCode == 200);
        var bucket = First(requests, r => r is { StandIn: "s3", Verb: "put", Resource: "bucket", Namespace: "mlflow" });
        var notification = First(requests, r => r is { StandIn: "s3", Verb: "put", Resource: "notification", Namespace: "mlflow" });
        var webhook = First(requests, r => r is { StandIn: "mlflow", Verb: "post", Group: "webhooks", Resource: "" });
        Assert.True(sealedSecret < secretRead && secretRead < bucket && bucket < notification && notification < webhook,
            $"order: sealedsecret {sealedSecret}, secret read {secretRead}, bucket {bucket}, notification {notification}, webhook {webhook}");
    }

    [Fact]
    public async Task Should_announce_each_step_in_order_and_then_StackReady_with_what_the_other_services_need()
    {
        var ready = await _testbed.EventAsync<StackReady>();

        Assert.Equal(
        [
            "SecretsReady mlflow: minio-credentials,mlflow-webhook",
            "MinioBucketReady mlflow",
            "BucketNotificationsConfigured mlflow",
            "StackReady homelab",
        ], _testbed.Events.Lines);
        Assert.Equal("mlflow", ready.Namespace);
        Assert.Equal("http://mlflow.mlflow.svc.cluster.local:5000", ready.MlflowTrackingUri);
        Assert.Equal("http://minio.minio.svc.cluster.local:9000", ready.MinioEndpoint);
        Assert.Equal("mlflow", ready.ArtifactBucket);
        Assert.Equal(["mlflow"], ready.Buckets);
        Assert.Equal(new StackCredentials { SecretName = "minio-credentials" }, ready.Credentials);
        Assert.Equal("mlops-minio-events", ready.MinioExchange);
        Assert.Equal(["mlflow"], ready.Namespaces.Select(n => n.Name));
        var notifications = _testbed.Events.Of<BucketNotificationsConfigured>().Single();
        Assert.Equal("arn:minio:sqs::MLOPS:amqp", notifications.QueueArn);
        Assert.Equal(["s3:ObjectCreated:*"], notifications.Events);
    }

    [Fact]
    public async Task Should_leave_the_cluster_MinIO_and_MLflow_as_the_stack_describes()
    {
        await _testbed.InStateAsync("homelab", "Ready");

        var secret = await _testbed.Kubernetes.CoreV1.ReadNamespacedSecretAsync("minio-credentials", "mlflow");
        Assert.Equal(ProvisionerTestbed.PodsAccessKey, System.Text.Encoding.UTF8.GetString(secret.Data["AWS_ACCESS_KEY_ID"]));
        var configuration = await _testbed.Sandbox.Minio.GetBucketNotificationsAsync(new GetBucketNotificationsArgs().WithBucket("mlflow"));
        var queue = Assert.Single(configuration.QueueConfigs);
        Assert.Equal("arn:minio:sqs::MLOPS:amqp", queue.Queue);
        Assert.Equal("MLmodel", Assert.Single(queue.Filter.S3Key.FilterRules).Value);

        using var webhooks = JsonDocument.Parse(await _testbed.Sandbox.Mlflow.GetStringAsync("api/2.0/mlflow/webhooks"));
        var registered = Assert.Single(webhooks.RootElement.GetProperty("webhooks").EnumerateArray());
        Assert.Equal(_testbed.Receiver.Url.ToString(), registered.GetProperty("url").GetString());
        Assert.Equal(3, registered.GetProperty("events").GetArrayLength());
        // MLflow's test delivery proved the receiver, signed with the secret of mlflow/mlflow-webhook.
        await Eventually.HoldsAsync(() => _testbed.Receiver.Deliveries.Any(d => d.Verified), "a verified test delivery");
    }

    [Fact]
    public async Task Should_answer_GetStackStatus_with_what_StackReady_announced()
    {
        var ready = await _testbed.EventAsync<StackReady>();

        var status = await _testbed.StatusAsync("homelab");

        Assert.True(status.Known);
        Assert.True(status.Ready);
        Assert.Equal("Ready", status.State);
        Assert.Null(status.FailedStep);
        Assert.Equal(ready.MinioEndpoint, status.Stack!.MinioEndpoint);
        Assert.Equal(ready.Credentials, status.Stack.Credentials);
        var unknown = await _testbed.StatusAsync("never-provisioned");
        Assert.False(unknown.Known);
        Assert.False(unknown.Ready);
    }

    private static long First(IReadOnlyList<RequestRecord> requests, Func<RequestRecord, bool> match) =>
        requests.FirstOrDefault(match)?.Sequence ?? throw new Xunit.Sdk.XunitException(
            "no such request in the sandbox log:\n" + string.Join("\n", requests.Select(r => r.ToString())));
}
