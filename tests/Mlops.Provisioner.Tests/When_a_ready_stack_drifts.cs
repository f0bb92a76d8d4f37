using k8s;
using Minio.DataModel.Args;
using Mlops.Contracts;
using Mlops.Provisioner.Tests.Testbed;
using Mlops.Testing;

namespace Mlops.Provisioner.Tests;

/// <summary>Reconciliation every second: what was changed behind the Provisioner's back is reported and put back where a step can.</summary>
public sealed class When_a_ready_stack_drifts : IAsyncLifetime
{
    private ProvisionerTestbed _testbed = null!;

    public async Task InitializeAsync() => _testbed = await ProvisionerTestbed.StartAsync(new TestbedOptions
    {
        Provisioner = new Dictionary<string, string?> { ["Provisioner:ReconcileInterval"] = "00:00:01" },
    });

    public async Task DisposeAsync() => await _testbed.DisposeAsync();

    [Fact]
    public async Task Should_restore_a_removed_bucket_notification_and_report_it()
    {
        await _testbed.ProvisionAsync(ProvisionerTestbed.StackFromFile());
        await _testbed.EventAsync<StackReady>();

        await _testbed.Sandbox.Minio.RemoveAllBucketNotificationsAsync(new RemoveAllBucketNotificationsArgs().WithBucket("mlflow"));

        var drift = await _testbed.EventAsync<StackDriftDetected>();
        Assert.True(drift.Repaired);
        var item = Assert.Single(drift.Drift);
        Assert.Equal("notifications", item.Step);
        Assert.Equal("bucket mlflow: the notification to arn:minio:sqs::MLOPS:amqp was missing; restored", item.Description);
        var configuration = await _testbed.Sandbox.Minio.GetBucketNotificationsAsync(new GetBucketNotificationsArgs().WithBucket("mlflow"));
        Assert.Equal("arn:minio:sqs::MLOPS:amqp", Assert.Single(configuration.QueueConfigs).Queue);
        var (_, saga) = await _testbed.InStateAsync("homelab", "Ready");
        Assert.NotNull(saga.ReconciledAt);
        // Reconciliation reports drift; it does not announce the stack again.
        Assert.Single(_testbed.Events.Of<StackReady>());
        Assert.True((await _testbed.StatusAsync("homelab")).Ready);
    }

    [Fact]
    public async Task Should_restore_a_deleted_Secret_from_its_SealedSecret()
    {
        await _testbed.ProvisionAsync(ProvisionerTestbed.StackFromFile());
        await _testbed.EventAsync<StackReady>();

        await _testbed.Kubernetes.CoreV1.DeleteNamespacedSecretAsync("minio-credentials", "mlflow");

        var drift = await _testbed.EventAsync<StackDriftDetected>();
        Assert.True(drift.Repaired);
        Assert.Equal(["secret mlflow/minio-credentials was deleted; its SealedSecret was applied again"], drift.Drift.Select(d => d.Description));
        await Eventually.HoldsAsync(async () => (await _testbed.Kubernetes.CoreV1.ListNamespacedSecretAsync("mlflow")).Items.Any(s => s.Metadata.Name == "minio-credentials"),
            "the Secret unsealed again");
        await _testbed.InStateAsync("homelab", "Ready");
    }

    [Fact]
    public async Task Should_fail_naming_a_deleted_Secret_that_has_no_SealedSecret_to_restore_it_from()
    {
        var homelab = ProvisionerTestbed.StackFromFile();
        await _testbed.Kubernetes.CoreV1.CreateNamespacedSecretAsync(new k8s.Models.V1Secret
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "minio-credentials" },
            StringData = new Dictionary<string, string>
            {
                ["AWS_ACCESS_KEY_ID"] = ProvisionerTestbed.PodsAccessKey,
                ["AWS_SECRET_ACCESS_KEY"] = ProvisionerTestbed.PodsSecretKey,
            },
        }, "mlflow");
        await _testbed.ProvisionAsync(homelab with { Secrets = [.. homelab.Secrets.Where(s => s.Name != "minio-credentials")] });
        await _testbed.EventAsync<StackReady>();

        await _testbed.Kubernetes.CoreV1.DeleteNamespacedSecretAsync("minio-credentials", "mlflow");

        var drift = await _testbed.EventAsync<StackDriftDetected>();
        Assert.False(drift.Repaired);
        var failed = await _testbed.EventAsync<StackProvisioningFailed>();
        Assert.Equal("secrets", failed.Step);
        Assert.Equal("secret mlflow/minio-credentials was deleted and the stack has no SealedSecret to restore it from: create it again, or add its sealedSecret to the stack file",
            failed.Reason);
        Assert.Equal([("secrets", failed.Reason, false)], drift.Drift.Select(d => (d.Step, d.Description, d.Repaired)));
        var status = await _testbed.StatusAsync("homelab");
        Assert.False(status.Ready);
        Assert.Equal("Failed", status.State);
    }
}
