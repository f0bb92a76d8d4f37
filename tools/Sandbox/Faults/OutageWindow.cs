namespace Mlops.Sandbox.Faults;

/// <summary>A time span during which the matched API answers 503 to everything.</summary>
public sealed record OutageWindow(DateTimeOffset From, DateTimeOffset Until)
{
    public bool Covers(DateTimeOffset time) => time >= From && time < Until;
}
