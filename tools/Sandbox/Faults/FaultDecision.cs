namespace Mlops.Sandbox.Faults;

/// <summary>What fault injection does to one request: wait, then possibly answer with an error instead of the stand-in.</summary>
public sealed record FaultDecision(TimeSpan Delay, int? StatusCode, string? Reason)
{
    public static readonly FaultDecision None = new(TimeSpan.Zero, null, null);
}
