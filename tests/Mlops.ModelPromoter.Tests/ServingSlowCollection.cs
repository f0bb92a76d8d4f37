namespace Mlops.ModelPromoter.Tests;

/// <summary>The serving tests with slow-loading models, on their own promoter and sandbox (<see cref="ServingSlowCluster"/>).</summary>
[CollectionDefinition(Name)]
public sealed class ServingSlowCollection : ICollectionFixture<ServingSlowCluster>
{
    public const string Name = "serving-slow";
}
