namespace Mlops.Sandbox.Storage.Tests;

/// <summary>A storage sandbox whose cluster Services the test declares (until the Kubernetes stand-in provides its own).</summary>
public sealed class InClusterSandbox : StorageSandbox
{
    public StubClusterServices Services { get; } = new();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Host.Context.ClusterServices = Services;
    }
}
