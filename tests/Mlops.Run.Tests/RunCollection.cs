namespace Mlops.Run.Tests;

/// <summary>One run of run.sh for every spec: it takes about a minute, and the specs only read what it left.</summary>
[CollectionDefinition(Name)]
public sealed class RunCollection : ICollectionFixture<RunOnce>
{
    public const string Name = "run.sh --once --fresh";
}
