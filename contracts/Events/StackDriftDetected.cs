namespace Mlops.Contracts;

/// <summary>
/// Reconciliation found a ready stack no longer as described (a removed bucket notification, a deleted Secret): what
/// drifted, and whether it was repaired. What cannot be repaired also fails the stack (<see cref="StackProvisioningFailed"/>).
/// </summary>
public sealed record StackDriftDetected : IFlowMessage
{
    public required Guid FlowId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public required string StackName { get; init; }

    public required IReadOnlyList<StackDrift> Drift { get; init; }

    /// <summary>True when every drift was repaired and the stack is ready again.</summary>
    public required bool Repaired { get; init; }
}
