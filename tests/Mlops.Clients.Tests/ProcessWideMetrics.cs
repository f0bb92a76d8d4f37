namespace Mlops.Clients.Tests;

/// <summary>Tests that read process-wide metrics run after the others, alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideMetrics
{
    public const string Name = "process-wide metrics";
}
