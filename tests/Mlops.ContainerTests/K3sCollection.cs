namespace Mlops.ContainerTests;

/// <summary>The tests that share one K3s: starting a cluster takes longer than all of them together.</summary>
[CollectionDefinition(Name)]
public sealed class K3sCollection : ICollectionFixture<K3sCluster>
{
    public const string Name = "k3s";
}
