namespace Mlops.Clients.Tests;

/// <summary>A sandbox whose Kubernetes keeps only the last few changes, so an old resourceVersion expires quickly.</summary>
public sealed class ShortWatchHistorySandbox : ClientsSandbox
{
    public const int History = 5;

    protected override int WatchHistory => History;
}
