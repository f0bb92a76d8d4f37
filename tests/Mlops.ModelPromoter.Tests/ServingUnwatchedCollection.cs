namespace Mlops.ModelPromoter.Tests;

/// <summary>The serving tests whose rollout watcher cannot watch, on their own promoter and sandbox (<see cref="ServingUnwatchedCluster"/>).</summary>
[CollectionDefinition(Name)]
public sealed class ServingUnwatchedCollection : ICollectionFixture<ServingUnwatchedCluster>
{
    public const string Name = "serving-unwatched";
}
