using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Mlops.Clients.Kubernetes.Models;
using Mlops.Contracts;
using Mlops.Provisioner.Tests.Testbed;
using Mlops.Testing;

namespace Mlops.Provisioner.Tests;

/// <summary>The stack's SealedSecret cannot be unsealed here: the secrets step fails with the controller's reason; fixed in the cluster, a replay finishes.</summary>
public sealed class When_a_SealedSecret_is_sealed_for_another_cluster : IAsyncLifetime
{
    private ProvisionerTestbed _testbed = null!;

    public async Task InitializeAsync() => _testbed = await ProvisionerTestbed.StartAsync();

    public async Task DisposeAsync() => await _testbed.DisposeAsync();

    [Fact]
    public async Task Should_fail_at_the_secrets_step_with_the_reason_and_reach_StackReady_when_replayed_after_a_correct_one_is_applied()
    {
        var sealedHere = ProvisionerTestbed.Sealed(ProvisionerTestbed.PodsAccessKey);
        var stack = ProvisionerTestbed.StackFromFile(edit: text => text.Replace(sealedHere, ProvisionerTestbed.SealedElsewhere(ProvisionerTestbed.PodsAccessKey), StringComparison.Ordinal));
        await _testbed.ProvisionAsync(stack);

        var failed = await _testbed.EventAsync<StackProvisioningFailed>();
        Assert.Equal("secrets", failed.Step);
        Assert.Equal("homelab", failed.StackName);
        Assert.StartsWith("sealedsecret mlflow/minio-credentials cannot be unsealed: no key could decrypt secret (AWS_ACCESS_KEY_ID) (ErrUnsealFailed)", failed.Reason);
        var (record, saga) = await _testbed.InStateAsync("homelab", "Failed");
        Assert.Equal("secrets", saga.FailedStep!.Step);
        Assert.Equal("ProvisioningSecrets", saga.FailedStep.State);
        Assert.Contains(await _testbed.HistoryAsync("homelab"), h => h.ToState == "Failed");
        Assert.DoesNotContain(_testbed.Requests("s3"), ProvisionerTestbed.IsWrite);
        var status = await _testbed.StatusAsync("homelab");
        Assert.Equal(("secrets", failed.Reason, false), (status.FailedStep, status.Reason, status.Ready));

        // The operator seals it again for this cluster and applies it, then replays.
        var patch = new JsonObject { ["spec"] = new JsonObject { ["encryptedData"] = new JsonObject { ["AWS_ACCESS_KEY_ID"] = sealedHere } } };
        await _testbed.Kubernetes.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch),
            SealedSecret.KubeGroup, SealedSecret.KubeApiVersion, "mlflow", SealedSecret.KubePluralName, "minio-credentials");
        await _testbed.ReplayAsync("homelab");

        await _testbed.EventAsync<StackReady>();
        Assert.Equal(
        [
            "StackProvisioningFailed secrets",
            "SecretsReady mlflow: minio-credentials,mlflow-webhook",
            "MinioBucketReady mlflow",
            "BucketNotificationsConfigured mlflow",
            "StackReady homelab",
        ], _testbed.Events.Lines);
        var (_, ready) = await _testbed.InStateAsync("homelab", "Ready");
        Assert.Null(ready.FailedStep);
        Assert.True(record.Version < (await _testbed.FindAsync("homelab"))!.Value.Record.Version);
    }

    [Fact]
    public async Task Should_give_up_naming_the_missing_key_once_a_Secret_without_a_SealedSecret_does_not_appear_in_time()
    {
        await using var quick = await ProvisionerTestbed.StartAsync(new TestbedOptions
        {
            Provisioner = new Dictionary<string, string?> { ["Provisioner:SecretTimeout"] = "00:00:02" },
        });
        // Verified as it is: someone else was to create it, and made it without its secret key.
        var stack = ProvisionerTestbed.StackFromFile() with
        {
            Secrets = [.. ProvisionerTestbed.StackFromFile().Secrets.Where(s => s.Name != "minio-credentials")],
        };
        await quick.Kubernetes.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "minio-credentials" },
            StringData = new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = ProvisionerTestbed.PodsAccessKey },
        }, "mlflow");
        await quick.ProvisionAsync(stack);

        var failed = await quick.EventAsync<StackProvisioningFailed>();
        Assert.Equal("secrets", failed.Step);
        Assert.Equal("secret mlflow/minio-credentials has no key AWS_SECRET_ACCESS_KEY after 2 s", failed.Reason);
        var (_, saga) = await quick.InStateAsync("homelab", "Failed");
        Assert.True(saga.FailedStep!.Attempts > 1);
        Assert.Empty(quick.Events.Of<SecretsReady>());
    }
}
