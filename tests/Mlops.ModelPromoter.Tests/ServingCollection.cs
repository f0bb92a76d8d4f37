namespace Mlops.ModelPromoter.Tests;

/// <summary>The serving tests share one promoter and sandbox (<see cref="ServingCluster"/>); each uses models of its own.</summary>
[CollectionDefinition(Name)]
public sealed class ServingCollection : ICollectionFixture<ServingCluster>
{
    public const string Name = "serving";
}
