using Mlops.Contracts;
using Mlops.Provisioner.Tests.Testbed;
using Mlops.Sandbox.Faults;

namespace Mlops.Provisioner.Tests;

/// <summary>Kubernetes and MinIO answering 503 to one call in five: the clients retry, the steps wait it out, the stack becomes ready.</summary>
public sealed class When_a_fifth_of_Kubernetes_and_S3_calls_fail : IAsyncLifetime
{
    private ProvisionerTestbed _testbed = null!;

    public async Task InitializeAsync() => _testbed = await ProvisionerTestbed.StartAsync();

    public async Task DisposeAsync() => await _testbed.DisposeAsync();

    [Fact]
    public async Task Should_still_reach_StackReady_with_every_event_once()
    {
        var rule = new FaultRule { ErrorRate = 0.2, StatusCodes = [503] };
        _testbed.Sandbox.Faults.Seed(20);
        _testbed.Sandbox.Faults.Set("kubernetes", FaultInjection.AnyGroup, rule);
        _testbed.Sandbox.Faults.Set("s3", FaultInjection.AnyGroup, rule);

        await _testbed.ProvisionAsync(ProvisionerTestbed.StackFromFile());

        await _testbed.EventAsync<StackReady>(timeout: TimeSpan.FromSeconds(90));
        Assert.Equal(
        [
            "SecretsReady mlflow: minio-credentials,mlflow-webhook",
            "MinioBucketReady mlflow",
            "BucketNotificationsConfigured mlflow",
            "StackReady homelab",
        ], _testbed.Events.Lines);
        var faulted = _testbed.Requests().Where(r => r.Fault is not null).ToList();
        Assert.Contains(faulted, r => r.StandIn == "kubernetes");
        Assert.Contains(faulted, r => r.StandIn == "s3");
    }
}
