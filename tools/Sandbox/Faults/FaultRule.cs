namespace Mlops.Sandbox.Faults;

/// <summary>Faults for one API group of one stand-in: a share of requests failing, added latency, outage windows.</summary>
public sealed record FaultRule
{
    /// <summary>Share of requests (0 to 1) answered with one of <see cref="StatusCodes"/> instead of the real answer.</summary>
    public double ErrorRate { get; init; }

    /// <summary>Codes an injected error picks from at random, e.g. 429, 500, 503.</summary>
    public IReadOnlyList<int> StatusCodes { get; init; } = [500];

    /// <summary>Added before every matched request is answered.</summary>
    public int LatencyMilliseconds { get; init; }

    public IReadOnlyList<OutageWindow> Outages { get; init; } = [];
}
