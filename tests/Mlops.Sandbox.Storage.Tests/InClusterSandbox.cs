namespace Mlops.Sandbox.Storage.Tests;

/// <summary>
/// A storage sandbox whose cluster Services the test declares, so a container program started directly (without a pod)
/// can back an in-cluster address; the same through real pods and the kubelet is in Mlops.Sandbox.Cluster.Tests.
/// </summary>
public sealed class InClusterSandbox : StorageSandbox
{
    public StubClusterServices Services { get; } = new();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Host.Context.ClusterServices = Services;
    }
}
