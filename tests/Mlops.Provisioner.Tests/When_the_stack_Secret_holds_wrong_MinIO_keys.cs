using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Mlops.Clients.Kubernetes.Models;
using Mlops.Contracts;
using Mlops.Provisioner.Tests.Testbed;

namespace Mlops.Provisioner.Tests;

/// <summary>The keys the pods would get are tried against MinIO at the buckets step, so they fail there and not in a training pod.</summary>
public sealed class When_the_stack_Secret_holds_wrong_MinIO_keys : IAsyncLifetime
{
    private ProvisionerTestbed _testbed = null!;

    public async Task InitializeAsync() => _testbed = await ProvisionerTestbed.StartAsync();

    public async Task DisposeAsync() => await _testbed.DisposeAsync();

    [Fact]
    public async Task Should_fail_at_the_buckets_step_naming_SignatureDoesNotMatch_and_reach_StackReady_once_fixed_and_replayed()
    {
        var rightSecret = ProvisionerTestbed.Sealed(ProvisionerTestbed.PodsSecretKey);
        var stack = ProvisionerTestbed.StackFromFile(edit: text => text.Replace(rightSecret, ProvisionerTestbed.Sealed("not-the-pods-secret-key"), StringComparison.Ordinal));
        await _testbed.ProvisionAsync(stack);

        var failed = await _testbed.EventAsync<StackProvisioningFailed>();
        Assert.Equal("buckets", failed.Step);
        Assert.StartsWith("bucket mlflow: SignatureDoesNotMatch with the keys from mlflow/minio-credentials", failed.Reason);
        Assert.DoesNotContain("not-the-pods-secret-key", failed.Reason);
        Assert.Equal(["SecretsReady mlflow: minio-credentials,mlflow-webhook", "StackProvisioningFailed buckets"], _testbed.Events.Lines);
        Assert.DoesNotContain(_testbed.Requests("s3"), r => r.Resource == "notification" && ProvisionerTestbed.IsWrite(r));

        var patch = new JsonObject { ["spec"] = new JsonObject { ["encryptedData"] = new JsonObject { ["AWS_SECRET_ACCESS_KEY"] = rightSecret } } };
        await _testbed.Kubernetes.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch),
            SealedSecret.KubeGroup, SealedSecret.KubeApiVersion, "mlflow", SealedSecret.KubePluralName, "minio-credentials");
        await Testing.Eventually.HoldsAsync(async () =>
        {
            var secret = await _testbed.Kubernetes.CoreV1.ReadNamespacedSecretAsync("minio-credentials", "mlflow");
            return System.Text.Encoding.UTF8.GetString(secret.Data["AWS_SECRET_ACCESS_KEY"]) == ProvisionerTestbed.PodsSecretKey;
        }, "the controller unsealed the corrected key");
        await _testbed.ReplayAsync("homelab");

        await _testbed.EventAsync<StackReady>();
        Assert.Equal("MinioBucketReady mlflow", _testbed.Events.Lines[2]);
        var (_, saga) = await _testbed.InStateAsync("homelab", "Ready");
        Assert.Null(saga.FailedStep);
    }
}
