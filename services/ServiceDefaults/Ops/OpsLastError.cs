namespace Mlops.ServiceDefaults.Ops;

/// <summary>The latest error of a saga: its failed step, else the latest failed attempt in its history, else the reason a retry waits.</summary>
public sealed record OpsLastError
{
    /// <summary><c>failed-step</c>, <c>history</c> or <c>pending-step</c>: where the error was found.</summary>
    public required string Source { get; init; }
    public required string Reason { get; init; }
    public DateTimeOffset? At { get; init; }
    public string? Step { get; init; }
    public string? Event { get; init; }
}
